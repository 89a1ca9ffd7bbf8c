/**
 * Outgoing messages: encrypted once, persisted with the ratchet's new state
 * and an outbox item in one write, then sent; a retry resends the same bytes
 * under the same client message id ([DS3]).
 */
import type { DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalMessage, LocalStore, OutboxItem } from "../store/port.js";
import { newMessageId } from "./content.js";
import { requireConversation } from "./requireConversation.js";
import type { SerialQueue } from "./serialQueue.js";

export interface OutboxDeps {
  store: LocalStore;
  engine: GroupEngine;
  queue: SerialQueue;
  call: Call;
  identity(): DeviceIdentity;
  clock(): number;
}

export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  /** Encrypt once and put in the outbox, with the ratchet's new state, atomically. */
  async enqueue(
    conversationId: string,
    build: (id: string, now: number) => Uint8Array,
    text: string | null,
  ): Promise<LocalMessage> {
    return this.deps.queue.run(conversationId, async () => {
      const conversation = await requireConversation(this.deps.store, conversationId);
      const engine = this.deps.engine;
      const id = newMessageId();
      const now = this.deps.clock();
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

  /** Send one outbox item (idempotent: a retry gets the same seq) and record its seq. */
  async deliver(message: LocalMessage): Promise<LocalMessage> {
    const item = (await this.deps.store.listOutbox()).find((o) => o.clientMessageId === message.id);
    if (!item) return message;
    const sent = await this.deps.call("sendMessage", {
      conversationId: item.conversationId,
      clientMessageId: item.clientMessageId,
      payload: item.payload,
      epoch: BigInt(item.epoch),
    });
    const stored: LocalMessage = { ...message, seq: Number(sent.seq), serverTime: Number(sent.serverTime) };
    await this.deps.store.write([
      ...(message.text !== "" ? [{ kind: "putMessage" as const, message: stored }] : []),
      { kind: "deleteOutbox", clientMessageId: item.clientMessageId },
    ]);
    return stored;
  }

  async flush(): Promise<void> {
    for (const item of await this.deps.store.listOutbox()) {
      const stored = (await this.deps.store.listMessages(item.conversationId)).find(
        (m) => m.id === item.clientMessageId,
      );
      await this.deliver(
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
        },
      );
    }
  }
}
