/**
 * Outgoing messages: encrypted once, persisted with the ratchet's new state
 * and an outbox item in one write, then sent; a retry resends the same bytes
 * under the same client message id ([DS3]). The id is the content's MIMI id
 * (SPEC CT2), so encrypting the same plaintext again keeps it.
 */
import { isReceiptsContent } from "../status/receiptsMark.js";
import type { DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalConversation, LocalStore, LocalWrite, OutboxItem } from "../store/port.js";
import { ProtocolError } from "@switchboard/protocol";
import { ClientError, RateLimitedError } from "../errors.js";
import { legacyTextContent } from "./content.js";
import { hubLifetimeSeconds } from "../expiry/hubLifetime.js";
import { requireConversation } from "./requireConversation.js";
import { SerialQueue } from "./serialQueue.js";
import { endMembership } from "./groups/removal.js";

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

/** What one outgoing message is: its id, the content to encrypt, and what it changes locally. */
export interface OutgoingDraft {
  id: string;
  plaintext: Uint8Array;
  /** Local writes that go with it, atomically (the message, an edit, a reaction). */
  writes: LocalWrite[];
}

/** Where the hub stored a message. */
export interface Delivered {
  seq: number;
  serverTime: number;
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
   * Encrypt once and put in the outbox, with the ratchet's new state and
   * whatever the draft changes locally (the message itself, an edit, a
   * reaction), atomically. The draft is made inside the conversation's queue,
   * so the rules it checks see the state it changes. `reuse` encrypts again
   * an item the hub refused without storing it: same id, same plaintext.
   */
  async enqueue(
    conversationId: string,
    draft: (conversation: LocalConversation, now: number) => Promise<OutgoingDraft> | OutgoingDraft,
    reuse?: { createdAt: number },
  ): Promise<OutgoingDraft> {
    return this.deps.queue.run(conversationId, async () => {
      const conversation = await requireConversation(this.deps.store, conversationId);
      if (!conversation.active)
        throw new ClientError("NOT_A_MEMBER", "this device is no longer in the conversation");
      const engine = this.deps.engine;
      const now = reuse?.createdAt ?? this.deps.clock();
      const outgoing = await draft(conversation, now);
      const identity = this.deps.identity();
      const { message: payload, newState } = await engine.encrypt(
        identity,
        engine.loadState(conversation.groupState),
        outgoing.plaintext,
      );
      const item: OutboxItem = {
        clientMessageId: outgoing.id,
        conversationId,
        payload,
        epoch: newState.epoch,
        createdAt: now,
        plaintext: outgoing.plaintext,
      };
      await this.deps.store.write([
        {
          kind: "putConversation",
          conversation: { ...conversation, groupState: engine.saveState(newState), updatedAt: now },
        },
        ...outgoing.writes,
        { kind: "putOutbox", item },
      ]);
      return outgoing;
    });
  }

  /**
   * Send an outbox item, after every earlier one of its conversation: a
   * message never overtakes one written before it (which a failed send left
   * in the outbox), because the receivers' ratchets keep only a few skipped
   * keys (RFC 9420 §9.1) and the user expects their order kept. Resolves with
   * where the hub stored it (undefined: it had been sent already).
   */
  deliver(conversationId: string, id: string): Promise<Delivered | undefined> {
    return this.sending.run(conversationId, async () => {
      const queued = (await this.deps.store.listOutbox()).filter((o) => o.conversationId === conversationId);
      const at = queued.findIndex((o) => o.clientMessageId === id);
      for (const earlier of queued.slice(0, Math.max(0, at))) await this.deliverOne(earlier.clientMessageId);
      return this.deliverOne(id);
    });
  }

  /**
   * Send one outbox item (idempotent: a retry gets the same seq) and record
   * its seq. The hub takes a message only for the group's current epoch with
   * no removal pending ([DS9], [DS10]); when the group moved on under it, the
   * hub stored nothing, so the same plaintext is encrypted again under the same id.
   */
  private async deliverOne(id: string): Promise<Delivered | undefined> {
    let waits = 0;
    let reencryptions = 0;
    for (;;) {
      const item = (await this.deps.store.listOutbox()).find((o) => o.clientMessageId === id);
      if (!item) return undefined;
      try {
        return await this.send(item);
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
        // [GR5] the hub answers a non-member NOT_FOUND: this device was removed (or left).
        if (err instanceof ProtocolError && err.code === "NOT_FOUND")
          throw await this.removed(item.conversationId);
        const stale =
          err instanceof ProtocolError && (err.code === "EPOCH_CONFLICT" || err.code === "PROPOSALS_PENDING");
        if (!stale || reencryptions++ >= MAX_REENCRYPTIONS) throw err;
        await this.deps.refresh(item.conversationId);
        await this.reencrypt(item);
      }
    }
  }

  /**
   * The same content in the group's current epoch. An item from an older SDK
   * has no plaintext: its text is rebuilt as the protobuf Content it was;
   * one with no text to rebuild (a title) is dropped.
   */
  private async reencrypt(item: OutboxItem): Promise<void> {
    let plaintext = item.plaintext;
    if (plaintext === null) {
      const message = await this.deps.store.getMessage(item.conversationId, item.clientMessageId);
      if (!message || message.text === "") {
        await this.deps.store.write([{ kind: "deleteOutbox", clientMessageId: item.clientMessageId }]);
        return;
      }
      plaintext = legacyTextContent(message.id, message.text, message.sentAt);
    }
    const again = plaintext;
    await this.enqueue(
      item.conversationId,
      () => ({ id: item.clientMessageId, plaintext: again, writes: [] }),
      {
        createdAt: item.createdAt,
      },
    );
  }

  private async send(item: OutboxItem): Promise<Delivered> {
    const sent = await this.deps.call("sendMessage", {
      conversationId: item.conversationId,
      clientMessageId: item.clientMessageId,
      payload: item.payload,
      epoch: BigInt(item.epoch),
      // [RS3] receipts never wake anyone: the hub may hold them for the next sync.
      nonUrgent: item.plaintext !== null && isReceiptsContent(item.plaintext),
      expiresAfterSeconds: await hubLifetimeSeconds(this.deps.store, item, this.deps.clock()),
    });
    const delivered: Delivered = { seq: Number(sent.seq), serverTime: Number(sent.serverTime) };
    const message = await this.deps.store.getMessage(item.conversationId, item.clientMessageId);
    // [XP4] from the hub's time, as every receiver counts it (MIMI `expires`, relative).
    const expiresAt =
      message?.expiresAt == null
        ? null
        : delivered.serverTime + Math.max(0, message.expiresAt - message.sentAt);
    await this.deps.store.write([
      ...(message ? [{ kind: "putMessage" as const, message: { ...message, ...delivered, expiresAt } }] : []),
      { kind: "deleteOutbox", clientMessageId: item.clientMessageId },
    ]);
    await this.deps.acknowledged(item.conversationId, delivered.seq);
    return delivered;
  }

  /** [GR5] End the conversation here (its outbox cleared) and say why the send failed. */
  private async removed(conversationId: string): Promise<ClientError> {
    await this.deps.queue.run(conversationId, async () => {
      const conversation = await this.deps.store.getConversation(conversationId);
      if (conversation?.active) await endMembership(this.deps.store, conversation, this.deps.clock());
    });
    return new ClientError("NOT_A_MEMBER", "this device is no longer in the conversation");
  }

  async flush(): Promise<void> {
    for (const item of await this.deps.store.listOutbox()) {
      try {
        await this.deliver(item.conversationId, item.clientMessageId);
      } catch (err) {
        // A conversation this device is no longer in has no outbox left; the others still go.
        if (!(err instanceof ClientError && err.code === "NOT_A_MEMBER")) throw err;
      }
    }
  }
}
