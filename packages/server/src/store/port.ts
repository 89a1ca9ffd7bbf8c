/**
 * The Store port: everything the hub keeps durably, in domain terms. Adapters
 * (SQLite now, PostgreSQL later) implement it; one contract suite
 * (test/store/contract.ts) runs against every adapter.
 *
 * Every method resolves only once its effect is durable (DESIGN rule 2), and
 * every multi-row change is atomic: after a crash either all of it is there or
 * none of it is.
 *
 * Outcomes callers branch on (address taken, epoch conflict, duplicate) are
 * results. A write that names an account, device or conversation that must
 * exist and does not is a caller bug: it rejects and changes nothing.
 */
import type { BlockList } from "./blocksPort.js";
import type { DirectoryStore } from "./directoryPort.js";
import type { ConversationStore } from "./conversationsPort.js";
import type { LogStore } from "./logPort.js";
import type { InboxStore } from "./inboxPort.js";
import type { RetentionStore } from "./retentionPort.js";

export type * from "./directoryPort.js";
export type * from "./conversationsPort.js";
export type * from "./logPort.js";
export type * from "./inboxPort.js";
export type * from "./retentionPort.js";

/** The whole port, one part per domain (each in its own file). */
export interface Store
  extends DirectoryStore,
    ConversationStore,
    LogStore,
    InboxStore,
    RetentionStore,
    BlockList {
  /** Resolves when the store can answer now (one cheap query); rejects otherwise (readiness). */
  ping(): Promise<void>;

  /** How many Welcomes are stored (each once, however many inbox items refer to it): for tests and operators. */
  countStoredWelcomes(): Promise<number>;

  /** Writes already issued settle (stored, or rejected) before it resolves. */
  close(): Promise<void>;
}
