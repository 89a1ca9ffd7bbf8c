import type { AppendResult, NewMessage } from "./port.js";
import type { BatchOutcome } from "./algorithms/append.js";

/**
 * Batched appends, for both adapters: the shared append algorithm
 * (algorithms/append.ts) runs over a batch, so PostgreSQL makes one
 * transaction (one WAL flush) per batch instead of one per message, and
 * SQLite moves each conversation's head and each sender's counter once per
 * batch instead of once per message. One batch is in flight at a time; messages arriving
 * meanwhile wait and go together in the next one, so under load batches grow
 * to match it, and an idle hub still writes a lone message at once (on the
 * next macrotask, so a synchronous burst shares a batch). Each caller is
 * answered only after the transaction holding its message has committed
 * (on disk, SPEC DS2).
 *
 * Batches keep arrival order, so seqs follow the order appends were issued.
 * A message whose key (conversation, sender, client message id) is already
 * in the forming batch waits for the next one, where it is answered as the
 * retry it is.
 */

export interface AppendQueueStats {
  /** Batches run. */
  batches: number;
  /** Messages answered. */
  appends: number;
}

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Bounds one statement, so a flood cannot hold conversation locks, or a caller's answer, for long. */
const MAX_BATCH = 1000;
/** And its bytes: PostgreSQL sends the batch's payloads as one parameter. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export class AppendQueue {
  private queue: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  private closed = false;
  private readonly counters: AppendQueueStats = { batches: 0, appends: 0 };

  constructor(
    private readonly appendBatch: (messages: NewMessage[]) => Promise<BatchOutcome[]>,
    /** An error that says the database is unreachable: no point running the batch's messages one by one. */
    private readonly isUnavailable: (error: unknown) => boolean = () => false,
  ) {}

  submit(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (this.inFlight === null) this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  stats(): AppendQueueStats {
    return { ...this.counters };
  }

  /** Write everything already submitted, then refuse new appends. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight !== null || this.scheduled !== null || this.queue.length > 0) {
      if (this.inFlight !== null) await this.inFlight;
      else {
        if (this.scheduled !== null) clearImmediate(this.scheduled);
        this.flush();
      }
    }
  }

  private flush(): void {
    this.scheduled = null;
    if (this.inFlight !== null || this.queue.length === 0) return;
    const batch = this.take();
    this.inFlight = this.run(batch).finally(() => {
      this.inFlight = null;
      // Whatever arrived while this batch was in flight goes now, together.
      if (this.queue.length > 0) this.flush();
    });
  }

  /** The next batch, in arrival order, skipping (for now) keys already in it. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    // By client message id alone (a string the message already holds, where a
    // joined key per message was one more string each). An id seen twice
    // (the same id in another conversation, or a retry) switches to whole
    // keys, for that id only: a scan of the batch per repeat made one batch
    // of ids that repeat across conversations cost O(n^2), 7% of the hub's
    // CPU in the direct benchmark, whose ids repeat in every conversation.
    const byClientId = new Map<string, Pending | typeof REPEATED>();
    const keys = new Set<string>();
    let bytes = 0;
    for (const op of this.queue) {
      const full =
        batch.length >= MAX_BATCH ||
        (batch.length > 0 && bytes + op.message.payload.byteLength > MAX_BATCH_BYTES);
      if (full || this.alreadyIn(op, byClientId, keys)) {
        rest.push(op);
        continue;
      }
      bytes += op.message.payload.byteLength;
      batch.push(op);
    }
    this.queue = rest;
    return batch;
  }

  /** Whether `op`'s key is already in the batch; if not, it is counted as in it now. */
  private alreadyIn(
    op: Pending,
    byClientId: Map<string, Pending | typeof REPEATED>,
    keys: Set<string>,
  ): boolean {
    const id = op.message.clientMessageId;
    const seen = byClientId.get(id);
    if (seen === undefined) {
      byClientId.set(id, op);
      return false;
    }
    if (seen !== REPEATED) {
      keys.add(keyOf(seen.message));
      byClientId.set(id, REPEATED);
    }
    const key = keyOf(op.message);
    if (keys.has(key)) return true;
    keys.add(key);
    return false;
  }

  private async run(batch: Pending[]): Promise<void> {
    this.counters.batches++;
    let outcomes: BatchOutcome[];
    try {
      outcomes = await this.appendBatch(batch.map((op) => op.message));
    } catch (error) {
      // The database is unreachable: nothing in the batch is stored (or, if
      // the connection broke during the commit, perhaps all of it); every
      // caller hears so and may retry under the same client message id.
      if (batch.length === 1 || this.isUnavailable(error)) {
        this.counters.appends += batch.length;
        for (const op of batch) op.reject(error);
        return;
      }
      // Something in one message failed the statement (a value the column
      // refuses): run each alone, so only that caller gets the error.
      for (const op of batch) await this.run([op]);
      return;
    }
    this.counters.appends += batch.length;
    for (const [i, op] of batch.entries()) {
      const outcome = outcomes[i];
      if (outcome === undefined) op.reject(new Error("append batch lost an outcome"));
      else if (outcome.ok) op.resolve(outcome.value);
      else op.reject(outcome.error);
    }
  }
}

/** Marks a client id seen more than once in the forming batch: its messages are told apart by keyOf. */
const REPEATED = Symbol("repeated");

/**
 * The whole idempotency key (DESIGN rule 3). Conversation and device ids never
 * hold a NUL (the hub makes and checks them), so the key is unambiguous
 * whatever the client id holds.
 */
function keyOf(message: NewMessage): string {
  return `${message.conversationId}\u0000${message.senderDeviceId}\u0000${message.clientMessageId}`;
}
