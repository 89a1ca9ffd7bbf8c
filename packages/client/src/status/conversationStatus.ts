/**
 * `client.status`: receipts, typing and presence for the conversations of
 * this device (SPEC RS1-RS6, EP6-EP8). One object with what an app calls and
 * the events it listens to; the client feeds it what it decrypts.
 */
import type { Ephemeral } from "@switchboard/protocol";
import type { ClientEvents } from "../clientTypes.js";
import type { SendDeps } from "../conversations/sendContent.js";
import { ClientError } from "../errors.js";
import { Emitter } from "../events.js";
import type { GroupMember } from "../mls/engine.js";
import { createMemoryReceipts } from "../store/memoryReceipts.js";
import type { LocalMessage } from "../store/port.js";
import { receiptStoreOf, type ReceiptStore } from "../store/receiptsPort.js";
import { memberStatuses, messageStatus, type MemberStatus, type MessageStatusView } from "./aggregate.js";
import { DeliveredBatch } from "./deliveredBatch.js";
import { receiveEphemeral, sendEphemeral, type EphemeralDeps } from "./ephemeral.js";
import { recordReport, sendReceipts, unreadMessages, wantsDelivered, type ReceiptEvent } from "./receipts.js";
import { presenceContent, readSignal, typingContent, type StatusSignal } from "./signals.js";
import * as settings from "./statusSettings.js";
import { TypingState } from "./typingState.js";

export type { ReceiptEvent } from "./receipts.js";
export type { MemberStatus, MessageStatusView } from "./aggregate.js";

export interface TypingEvent {
  conversationId: string;
  from: string;
  /** When the indicator goes out unless renewed (ms, this device's clock). */
  expiresAt: number;
}

export interface PresenceEvent {
  conversationId: string;
  from: string;
  online: boolean;
  at: number;
}

export interface StatusEvents extends Record<string, unknown> {
  receipt: ReceiptEvent;
  typing: TypingEvent;
  presence: PresenceEvent;
}

export interface StatusDeps extends EphemeralDeps {
  send: SendDeps;
  events: Emitter<ClientEvents>;
  clock(): number;
  /** Run `task` after `ms` (injectable for tests); answers a cancel. */
  schedule?(task: () => void, ms: number): () => void;
  onError(error: unknown, context: string): void;
  /**
   * Whether the app wants this device online (connect() and no disconnect()
   * since): delivered receipts wait until it is, rather than reconnecting a
   * device the app took offline.
   */
  connected?(): boolean;
  /** Where its receipt, typing and presence events go (an app may have subscribed before it was loaded). */
  statusEvents?: Emitter<StatusEvents>;
  /** Messages stored before it was loaded (SPEC WB16): taken as if just stored. */
  storedBefore?: readonly LocalMessage[];
}

/** How long the delivered batch waits for more messages of the same burst. */
export const DELIVERED_FLUSH_MS = 250;
/** A typing signal is sent at most this often per conversation (the receiver holds it 15 s). */
export const TYPING_RESEND_MS = 5_000;

export class ConversationStatus {
  readonly events: Emitter<StatusEvents>;
  /**
   * [RS7] May this device share its status (delivered, read, typing,
   * presence) in the conversation? False until a message request is
   * accepted; the requests module sets it. Defaults to always.
   */
  mayShareStatus: (conversationId: string) => boolean | Promise<boolean> = () => true;

  private readonly receipts: ReceiptStore;
  private readonly batch = new DeliveredBatch();
  private readonly typingState = new TypingState();
  private readonly lastTypingSent = new Map<string, number>();
  private cancelFlush: (() => void) | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: StatusDeps) {
    // An app's own LocalStore without the receipts port keeps them for the session only.
    this.receipts = receiptStoreOf(deps.store) ?? createMemoryReceipts(() => {});
    this.events = deps.statusEvents ?? new Emitter<StatusEvents>();
    deps.events.on("message", (message) => this.stored(message));
    for (const message of deps.storedBefore ?? []) this.stored(message);
  }

  // --- settings ----------------------------------------------------------------

  readReceipts(): Promise<boolean> {
    return settings.readReceiptsOn(this.deps.store);
  }

  /** [RS6] Off: this device sends no read receipts and shows nobody's; delivered still flows. */
  setReadReceipts(on: boolean): Promise<void> {
    return settings.setReadReceipts(this.deps.store, on);
  }

  presence(): Promise<boolean> {
    return settings.presenceOn(this.deps.store);
  }

  /** [EP8] Opt in (announces "online" in every conversation) or out (announces "offline" once). */
  async setPresence(on: boolean): Promise<void> {
    if (!on && (await this.presence())) await this.broadcast(presenceContent(false));
    await settings.setPresence(this.deps.store, on);
    if (on) await this.broadcast(presenceContent(true));
  }

  /** Say "online" again (an app calls it when it connects); nothing when presence is off. */
  async announcePresence(): Promise<number> {
    return (await this.presence()) ? this.broadcast(presenceContent(true)) : 0;
  }

  // --- what the person does ------------------------------------------------------

  /** [RS2] Mark every message of the conversation read; one report carries them all. */
  async markRead(conversationId: string): Promise<{ read: number; sent: boolean }> {
    const me = this.deps.identity().address;
    const unread = await unreadMessages(this.deps.store, this.receipts, conversationId, me);
    if (unread.length === 0) return { read: 0, sent: false };
    const at = this.deps.clock();
    await this.receipts.putReceipts(
      unread.map((m) => ({ conversationId, messageId: m.id, address: me, status: "read" as const, at })),
    );
    const send = (await this.readReceipts()) && (await this.mayShareStatus(conversationId));
    if (send)
      await sendReceipts(
        this.deps.send,
        conversationId,
        unread.map((m) => ({ messageId: m.id, status: "read" as const })),
      );
    return { read: unread.length, sent: send };
  }

  /** [EP7] Tell the others' online devices this person is typing; false when not sent (too soon, not allowed). */
  async typing(conversationId: string): Promise<boolean> {
    const now = this.deps.clock();
    const last = this.lastTypingSent.get(conversationId);
    if (last !== undefined && now - last < TYPING_RESEND_MS) return false;
    if (!(await this.mayShareStatus(conversationId))) return false;
    await sendEphemeral(this.deps, conversationId, typingContent());
    this.lastTypingSent.set(conversationId, now);
    return true;
  }

  /** Send the delivered receipts waiting in the batch now (an app calls it before it exits). */
  flush(): Promise<void> {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.flushing = this.flushing.then(() => this.sendBatch());
    return this.flushing;
  }

  /** Resolves once every receipt and signal received so far is recorded (a CLI prints after it). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  // --- what the person sees ------------------------------------------------------

  /** [RS4] Our message's status: sending, sent, delivered (to every other account), read (by every one). */
  async messageStatus(message: LocalMessage): Promise<MessageStatusView> {
    return messageStatus(await this.statusInput(message));
  }

  /** Each other account's status for our message. */
  async memberStatuses(message: LocalMessage): Promise<MemberStatus[]> {
    return memberStatuses(await this.statusInput(message));
  }

  /**
   * The receipts other accounts sent for this account's messages in the
   * conversation (of one message, when given), as stored; with read receipts
   * off, read shows as delivered. Ordered by message, then account.
   */
  async receiptsIn(conversationId: string, messageId?: string): Promise<ReceiptEvent[]> {
    const me = this.deps.identity().address;
    const showRead = await this.readReceipts();
    return (await this.receipts.listReceipts(conversationId, messageId))
      .filter((r) => r.address !== me)
      .map((r) => ({
        conversationId,
        messageId: r.messageId,
        from: r.address,
        status: r.status === "read" && !showRead ? ("delivered" as const) : r.status,
        at: r.at,
      }));
  }

  /** Who is typing in the conversation now (signals expire 15 s after they arrived). */
  typingIn(conversationId: string): string[] {
    return this.typingState.active(conversationId, this.deps.clock());
  }

  // --- fed by the client -------------------------------------------------------------

  /** An application message from the log was decrypted: a receipt batch is recorded here. */
  received(conversationId: string, plaintext: Uint8Array, sender: GroupMember, serverTime: number): void {
    const signal = readSignal(plaintext);
    if (signal?.kind !== "receipts") return;
    this.track(this.onReport(conversationId, sender.address, serverTime, signal), "receipts");
  }

  /** The hub pushed an ephemeral message. */
  receivedEphemeral(pushed: Ephemeral): void {
    this.track(
      receiveEphemeral(this.deps, pushed).then((opened) => {
        if (!opened || opened.sender.address === this.deps.identity().address) return;
        const signal = readSignal(opened.plaintext);
        if (signal) this.onSignal(pushed.conversationId, opened.sender.address, signal);
      }),
      "ephemeral",
    );
  }

  // --- internals -----------------------------------------------------------------

  private stored(message: LocalMessage): void {
    this.typingState.stopped(message.conversationId, message.senderAddress);
    // Our message ends our indicator at the others (EP7): typing the next one may signal at once.
    if (message.outgoing) this.lastTypingSent.delete(message.conversationId);
    let me: string;
    try {
      me = this.deps.identity().address;
    } catch {
      return;
    }
    if (!wantsDelivered(message, me)) return;
    this.batch.add(message.conversationId, message.id);
    if (this.cancelFlush) return;
    const flushLater = () => {
      this.cancelFlush = undefined;
      this.track(this.flush(), "delivered receipts");
    };
    this.cancelFlush = this.deps.schedule
      ? this.deps.schedule(flushLater, DELIVERED_FLUSH_MS)
      : defaultSchedule(flushLater, DELIVERED_FLUSH_MS);
  }

  private async sendBatch(): Promise<void> {
    if (this.deps.connected && !this.deps.connected()) return;
    for (const { conversationId, messageIds } of this.batch.take()) {
      try {
        if (!(await this.mayShareStatus(conversationId))) continue;
        await sendReceipts(
          this.deps.send,
          conversationId,
          messageIds.map((messageId) => ({ messageId, status: "delivered" as const })),
        );
      } catch (err) {
        // Closing or going offline mid-send is not an error: the receipts are only late.
        if (err instanceof ClientError && (err.code === "CLOSED" || err.code === "NOT_CONNECTED")) return;
        this.deps.onError(err, `delivered receipts in ${conversationId}`);
      }
    }
  }

  private async onReport(
    conversationId: string,
    from: string,
    at: number,
    signal: Extract<StatusSignal, { kind: "receipts" }>,
  ): Promise<void> {
    const events = await recordReport(this.deps.store, this.receipts, {
      conversationId,
      from,
      me: this.deps.identity().address,
      at,
      showRead: await this.readReceipts(),
      entries: signal.entries,
    });
    for (const event of events) this.events.emit("receipt", event);
  }

  private onSignal(conversationId: string, from: string, signal: StatusSignal): void {
    const now = this.deps.clock();
    if (signal.kind === "typing") {
      const expiresAt = this.typingState.typing(conversationId, from, now);
      this.events.emit("typing", { conversationId, from, expiresAt });
    } else if (signal.kind === "presence") {
      this.events.emit("presence", { conversationId, from, online: signal.online, at: now });
    }
  }

  private async broadcast(plaintext: Uint8Array): Promise<number> {
    let sent = 0;
    for (const conversation of await this.deps.store.listConversations()) {
      if (!conversation.active || !(await this.mayShareStatus(conversation.id))) continue;
      try {
        await sendEphemeral(this.deps, conversation.id, plaintext);
        sent++;
      } catch (err) {
        this.deps.onError(err, `presence in ${conversation.id}`);
      }
    }
    return sent;
  }

  private async statusInput(message: LocalMessage) {
    const conversation = await this.deps.store.getConversation(message.conversationId);
    return {
      seq: message.seq,
      senderAddress: message.senderAddress,
      participants: conversation?.participants ?? [],
      receipts: await this.receipts.listReceipts(message.conversationId, message.id),
      showRead: await this.readReceipts(),
    };
  }

  private track(task: Promise<void>, context: string): void {
    const tracked = task.catch((err: unknown) => this.deps.onError(err, context));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}

function defaultSchedule(task: () => void, ms: number): () => void {
  const timer = setTimeout(task, ms);
  return () => clearTimeout(timer);
}
