/**
 * Sending an application message (SPEC DS2-DS5, DS9-DS11, PP6-PP7, XP7):
 * checked at the edge, appended by the Store in one step with every rule it
 * decides, acknowledged once durable, then announced on the Bus.
 *
 * The hub's hot path, so it makes as little per message as it can
 * (issue 18; bench/hubPath.ts under a sampling heap profile, 50,000
 * messages): `send` and its handler are not async functions (as async
 * functions, suspended while the append waits, they allocated 1.84 and 0.67
 * KB per message; as plain ones with a `then`, 1.42 and 0.13 KB), and the
 * group id is compared without a hex string (isHexOf: 1.42 -> 0.91 KB with
 * the header read without views). What `send` throws still reaches the
 * caller as a rejection.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import { inspectApplicationMessage } from "../mls/inspect.js";
import type { AppendResult, LogEntryRecord, Membership, Store } from "../store/port.js";
import type { Announcer } from "./announcer.js";
import { LIMITS, requireClientMessageId, requireConversationId, requireSize } from "./validate.js";

/** [XP7] The longest lifetime the hub keeps for a disappearing message: the longest timer, 90 days. */
const MAX_EXPIRY_SECONDS = 90 * 24 * 60 * 60;

export interface MessageInput {
  conversationId: string;
  clientMessageId: string;
  payload: Uint8Array;
  epoch: number;
  /** [XP7] the sender's disappearing-message lifetime (0: none). */
  expiresAfterSeconds?: number;
}

export class MessageSend {
  constructor(
    private readonly store: Store,
    private readonly announcer: Announcer,
    private readonly clock: Clock,
    /** [DS11] bytes of its own messages a device may have stored and not yet pruned; none when undefined. */
    private readonly maxQueuedBytes: number | undefined,
    /** NOT_FOUND unless the device is a member (DeliveryService's check). */
    private readonly requireMember: (conversationId: string, deviceId: string) => Promise<Membership>,
  ) {}

  send(caller: Caller, input: MessageInput): Promise<LogEntryRecord> {
    try {
      requireConversationId(input.conversationId);
      requireClientMessageId(input.clientMessageId);
      requireSize(input.payload, LIMITS.maxMessageBytes, "message");
      const facts = inspectApplicationMessage(input.payload, input.conversationId);
      if (!facts.ok) return this.refuseForeign(caller, input.conversationId, facts.reason);
      const epoch = facts.value.epoch;
      return this.store
        .appendMessage({
          conversationId: input.conversationId,
          senderDeviceId: caller.deviceId,
          senderAddress: caller.address,
          clientMessageId: input.clientMessageId,
          payload: input.payload,
          epoch,
          serverTime: this.clock(),
          ...(this.maxQueuedBytes === undefined ? {} : { maxQueuedBytes: this.maxQueuedBytes }),
        })
        .then((result) => this.answer(caller, input, epoch, result));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /**
   * The rare path: a non-member hears NOT_FOUND whatever it sent, as for any
   * request of its own; membership is otherwise checked by the append.
   */
  private async refuseForeign(caller: Caller, conversationId: string, reason: string): Promise<never> {
    await this.requireMember(conversationId, caller.deviceId);
    throw new ProtocolError("INVALID_ARGUMENT", reason);
  }

  /** The append's result as the sender hears it; a stored message is announced (given its expiry first). */
  private answer(
    caller: Caller,
    input: MessageInput,
    epoch: number,
    result: AppendResult,
  ): LogEntryRecord | Promise<LogEntryRecord> {
    // [DS5] checked by the store in the same step as the append. NOT_FOUND
    // rather than FORBIDDEN: do not confirm to a non-member that it exists.
    if (result.kind === "not_member") throw new ProtocolError("NOT_FOUND", "no such conversation");
    // [PP6] a blocked sender's message in a direct conversation is dropped,
    // and acknowledged as if taken (PP7): seq 0, which no entry has. The
    // store decides it with the append, in the same step (SPEC ST50).
    if (result.kind === "blocked") return droppedEntry(caller, input, epoch, this.clock());
    if (result.kind === "wrong_epoch") {
      throw new ProtocolError("EPOCH_CONFLICT", "the conversation has moved on; encrypt the message again", {
        currentEpoch: result.currentEpoch,
      });
    }
    if (result.kind === "quota_exceeded") {
      throw new ProtocolError(
        "QUOTA_EXCEEDED",
        "this device has too many messages waiting for their recipients; retry once they have caught up",
      );
    }
    if (result.kind === "proposals_pending") {
      throw new ProtocolError(
        "PROPOSALS_PENDING",
        "a member must first commit the removal of a revoked device",
      );
    }
    const entry = result.entry;
    // [XP7] recorded before the ack, so a retry (a duplicate) records it again.
    const lifetime = Math.min(input.expiresAfterSeconds ?? 0, MAX_EXPIRY_SECONDS);
    if (lifetime > 0) {
      return this.store
        .setEntryExpiry(input.conversationId, entry.seq, entry.serverTime + lifetime * 1000)
        .then(() => this.announced(entry));
    }
    return this.announced(entry);
  }

  /**
   * A duplicate is pushed again too: its first ack may have been lost with a
   * node or a database connection before the push went out. The SDK drops
   * what it already has.
   */
  private announced(entry: LogEntryRecord): LogEntryRecord {
    this.announcer.entry(entry);
    return entry;
  }
}

/** The answer to a dropped message (PP7): what an ack needs, with seq 0 since nothing was stored. */
function droppedEntry(
  caller: Caller,
  input: MessageInput,
  epoch: number,
  serverTime: number,
): LogEntryRecord {
  return {
    conversationId: input.conversationId,
    seq: 0,
    kind: "application",
    senderDeviceId: caller.deviceId,
    senderAddress: caller.address,
    clientMessageId: input.clientMessageId,
    payload: input.payload,
    epoch,
    serverTime,
    membership: null,
  };
}
