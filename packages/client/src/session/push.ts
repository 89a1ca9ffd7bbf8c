/**
 * What the hub pushes while connected: log entries (applied, then acked
 * shortly after), inbox items (Welcomes, then a full sync; messages from this
 * account's other devices), and the signal that
 * this device's key packages are running low, the hint to sync (pushes
 * were lost while the hub's bus was down), and ephemeral messages (typing,
 * presence: handed to the status module, never stored).
 */
import type { Ephemeral, InboxItem, Push } from "@switchboard/protocol";
import type { Applier } from "../conversations/applier.js";
import { ClientError } from "../errors.js";
import type { Call } from "./call.js";
import type { RpcSession } from "./rpc.js";
import type { Syncer } from "./sync.js";

export interface PushReceiverDeps {
  call: Call;
  syncer: Syncer;
  applier(): Applier;
  acceptInbox(item: InboxItem): Promise<void>;
  /** The link's open session, if any. */
  currentSession(): RpcSession | undefined;
  topUpKeyPackages(session: RpcSession, remaining: number): Promise<number>;
  /** Typing, presence (SPEC EP6): decrypted and shown, never stored. */
  onEphemeral?(pushed: Ephemeral): void;
  onError(err: unknown, context: string): void;
}

export class PushReceiver {
  private toppingUp: Promise<void> | undefined;

  constructor(private readonly deps: PushReceiverDeps) {}

  receive(push: Push): void {
    const applier = this.deps.applier();
    const body = push.body;
    const report = (context: string) => (err: unknown) => {
      // Losing the connection mid-task is not an error: the next login syncs again.
      if (err instanceof ClientError && (err.code === "NOT_CONNECTED" || err.code === "CLOSED")) return;
      this.deps.onError(err, context);
    };
    if (body.case === "entry") {
      const entry = body.value;
      applier
        .applyEntries(entry.conversationId, [entry])
        .then(() => this.deps.syncer.scheduleAck())
        .catch(report(`push ${entry.conversationId}`));
    } else if (body.case === "inbox") {
      const item = body.value;
      this.deps
        .acceptInbox(item)
        .then(async () => {
          await this.deps.call("ackInbox", { upToId: item.id });
          const session = this.deps.currentSession();
          if (session) await this.deps.syncer.run(session);
        })
        .catch(report(`inbox item ${item.id}`));
    } else if (body.case === "ephemeral") {
      this.deps.onEphemeral?.(body.value);
    } else if (body.case === "syncHint") {
      const session = this.deps.currentSession();
      if (session) this.deps.syncer.run(session).catch(report("sync hint"));
    } else if (body.case === "keyPackagesLow") {
      const session = this.deps.currentSession();
      // One top-up at a time: several claims in a row each send this signal.
      if (session && !this.toppingUp) {
        this.toppingUp = this.deps
          .topUpKeyPackages(session, body.value.remaining)
          .then(() => undefined, report("key packages"))
          .finally(() => (this.toppingUp = undefined));
      }
    }
  }
}
