/**
 * Outgoing messages: encrypted once, persisted with the ratchet's new state
 * and an outbox item in one write, then sent; a retry resends the same bytes
 * under the same client message id ([DS3]).
 */
import type { DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalMessage, LocalStore, OutboxItem } from "../store/port.js";
import { ProtocolError } from "@switchboard/protocol";
import { RateLimitedError } from "../errors.js";
import { newMessageId, textContent } from "./content.js";
import { requireConversation } from "./requireConversation.js";
import { SerialQueue } from "./serialQueue.js";

export interface OutboxDeps {
  store: LocalStore;
  engine: GroupEngine;
  queue: SerialQueue;
  call: Call;
  identity(): DeviceIdentity;
  clock(): number;
  /**
   * Bring the conversation's group state up to the hub's current epoch: apply
   * what is new and commit removals the hub proposed ([DS9]).
   */
  refresh(conversationId: string): Promise<void>;
  /** The hub stored our message at `seq`; it does not push it back to this device ([DS4]). */
  acknowledged(conversationId: string, seq: number): Promise<void>;
  /** Wait this long before trying a rate-limited send again ([EG4]). */
  wait(ms: number): Promise<void>;
  /** The hub said to slow down: the send waits `retryAfterMs` before its next try. */
  rateLimited(conversationId: string, retryAfterMs: number): void;
}

/** How often one message is encrypted again after the group moved on under it. */
const MAX_REENCRYPTIONS = 4;

/**
 * [EG4] How often one send waits out the hub's RATE_LIMITED before the error
 * goes to the caller, and the longest wait it sits out (a longer one goes to
 * the caller at once; the message stays in the outbox for the next flush).
 */
const MAX_RATE_LIMITED_WAITS = 5;
const MAX_RATE_LIMITED_WAIT_MS = 60_000;

export class Outbox {
  /** Sends, one at a time per conversation (apart from the conversation queue, which sending waits on). */
  private readonly sending = new SerialQueue();

  constructor(private readonly deps: OutboxDeps) {}

  /**
   * Encrypt once and put in the outbox, with the ratchet's new state,
   * atomically. `reuse` encrypts again a message the hub refused without
   * storing it: same id and time, new ciphertext, replacing the old.
   */
  async enqueue(
    conversationId: string,
    build: (id: string, now: number) => Uint8Array,
    text: string | null,
    reuse?: { id: string; sentAt: number },
  ): Promise<LocalMessage> {
    return this.deps.queue.run(conversationId, async () => {
      const conversation = await requireConversation(this.deps.store, conversationId);
      const engine = this.deps.engine;
      const id = reuse?.id ?? newMessageId();
      const now = reuse?.sentAt ?? this.deps.clock();
      const identity = this.deps.identity();
      const { message: payload, newState } = await engine.encrypt(
        identity,
        engine.deserialize(conversation.groupState),
        build(id, now),
      );
      const item: OutboxItem = {
        clientMessageId: id,
        conversationId,
        payload,
        epoch: newState.epoch,
        createdAt: now,
      };
      const message: LocalMessage = {
        id,
        conversationId,
        seq: null,
        senderAddress: identity.address,
        senderDeviceId: identity.deviceId,
        text: text ?? "",
        sentAt: now,
        serverTime: null,
        outgoing: true,
      };
      await this.deps.store.write([
        {
          kind: "putConversation",
          conversation: { ...conversation, groupState: engine.serialize(newState), updatedAt: now },
        },
        ...(text !== null ? [{ kind: "putMessage" as const, message }] : []),
        { kind: "putOutbox", item },
      ]);
      return message;
    });
  }

  /**
   * Send an outbox item, after every earlier one of its conversation: a
   * message never overtakes one written before it (which a failed send left
   * in the outbox), because the receivers' ratchets keep only a few skipped
   * keys (RFC 9420 §9.1) and the user expects their order kept.
   */
  deliver(message: LocalMessage): Promise<LocalMessage> {
    return this.sending.run(message.conversationId, async () => {
      const queued = (await this.deps.store.listOutbox()).filter(
        (o) => o.conversationId === message.conversationId,
      );
      const at = queued.findIndex((o) => o.clientMessageId === message.id);
      for (const earlier of queued.slice(0, Math.max(0, at)))
        await this.deliverOne(await this.messageFor(earlier));
      return this.deliverOne(message);
    });
  }

  /**
   * Send one outbox item (idempotent: a retry gets the same seq) and record
   * its seq. The hub takes a message only for the group's current epoch with
   * no removal pending ([DS9], [DS10]); when the group moved on under it, the
   * hub stored nothing, so the text is encrypted again under the same id.
   */
  private async deliverOne(message: LocalMessage): Promise<LocalMessage> {
    let waits = 0;
    let reencryptions = 0;
    for (;;) {
      const item = (await this.deps.store.listOutbox()).find((o) => o.clientMessageId === message.id);
      if (!item) return message;
      try {
        return await this.send(item, message);
      } catch (err) {
        // [EG4] Wait as long as the hub said instead of hammering it; the caller is told.
        if (
          err instanceof RateLimitedError &&
          waits < MAX_RATE_LIMITED_WAITS &&
          err.retryAfterMs <= MAX_RATE_LIMITED_WAIT_MS
        ) {
          waits++;
          this.deps.rateLimited(item.conversationId, err.retryAfterMs);
          await this.deps.wait(Math.max(1, err.retryAfterMs));
          continue;
        }
        const stale =
          err instanceof ProtocolError && (err.code === "EPOCH_CONFLICT" || err.code === "PROPOSALS_PENDING");
        if (!stale || reencryptions++ >= MAX_REENCRYPTIONS) throw err;
        await this.deps.refresh(item.conversationId);
        message = await this.reencrypt(item, message);
      }
    }
  }

  /** The same message in the group's current epoch; a message with no text to rebuild (a title) is dropped. */
  private async reencrypt(item: OutboxItem, message: LocalMessage): Promise<LocalMessage> {
    if (message.text === "") {
      await this.deps.store.write([{ kind: "deleteOutbox", clientMessageId: item.clientMessageId }]);
      return message;
    }
    return this.enqueue(
      item.conversationId,
      (id, sentAt) => textContent(id, message.text, sentAt),
      message.text,
      { id: message.id, sentAt: message.sentAt },
    );
  }

  private async send(item: OutboxItem, message: LocalMessage): Promise<LocalMessage> {
    const sent = await this.deps.call("sendMessage", {
      conversationId: item.conversationId,
      clientMessageId: item.clientMessageId,
      payload: item.payload,
      epoch: BigInt(item.epoch),
    });
    const seq = Number(sent.seq);
    const stored: LocalMessage = { ...message, seq, serverTime: Number(sent.serverTime) };
    await this.deps.store.write([
      ...(message.text !== "" ? [{ kind: "putMessage" as const, message: stored }] : []),
      { kind: "deleteOutbox", clientMessageId: item.clientMessageId },
    ]);
    await this.deps.acknowledged(item.conversationId, seq);
    return stored;
  }

  async flush(): Promise<void> {
    for (const item of await this.deps.store.listOutbox()) await this.deliver(await this.messageFor(item));
  }

  /** The stored message an outbox item carries (one with no text, a title, has none). */
  private async messageFor(item: OutboxItem): Promise<LocalMessage> {
    const stored = (await this.deps.store.listMessages(item.conversationId)).find(
      (m) => m.id === item.clientMessageId,
    );
    return (
      stored ?? {
        id: item.clientMessageId,
        conversationId: item.conversationId,
        seq: null,
        senderAddress: this.deps.identity().address,
        senderDeviceId: this.deps.identity().deviceId,
        text: "",
        sentAt: item.createdAt,
        serverTime: null,
        outgoing: true,
      }
    );
  }
}
