/**
 * SwitchboardClient: one device of one account. Owns the device's keys and
 * every MLS group state; the hub sees only ciphertext. Public API in the
 * platform's style: promises, events and an async iterator of messages.
 */
import {
  ConversationKind,
  ProtocolError,
  fromHex,
  isConversationId,
  toHex,
  type Push,
} from "@switchboard/protocol";
import { Applier, participantsOf } from "./conversations/applier.js";
import { groupProfileContent, newMessageId, textContent } from "./conversations/content.js";
import { SerialQueue } from "./conversations/serialQueue.js";
import { ClientError } from "./errors.js";
import { Emitter } from "./events.js";
import { deviceIdFor, generateDeviceKeyPair, signChallenge } from "./identity/deviceKeys.js";
import { topUpKeyPackages } from "./keyPackages.js";
import type { DeviceIdentity, GroupEngine } from "./mls/engine.js";
import { withStateCache } from "./mls/stateCache.js";
import { Link } from "./session/link.js";
import { RpcSession, type OpCase, type OpInit, type ResultOf } from "./session/rpc.js";
import type {
  LocalConversation,
  LocalMessage,
  LocalStore,
  OutboxItem,
  StoredIdentity,
} from "./store/port.js";
import type { Transport } from "./transport/port.js";

export interface ClientOptions {
  store: LocalStore;
  engine: GroupEngine;
  /** Makes a transport to a server URL. */
  transport: (server: string) => Transport;
  clock?: () => number;
}

export interface ClientEvents extends Record<string, unknown> {
  message: LocalMessage;
  conversation: LocalConversation;
  connection: { state: "connecting" | "connected" | "disconnected"; detail?: string };
  error: { error: unknown; context: string };
}

/** How often a commit is re-made after losing an epoch race ([DS1]). */
const MAX_COMMIT_ATTEMPTS = 8;

export class SwitchboardClient {
  readonly events = new Emitter<ClientEvents>();
  private readonly queue = new SerialQueue();
  private readonly clock: () => number;
  private identity: StoredIdentity | undefined;
  private link: Link | undefined;
  private applier: Applier | undefined;
  private syncing: Promise<void> | undefined;
  private toppingUp: Promise<void> | undefined;

  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = { ...options, engine: withStateCache(options.engine) };
    this.clock = options.clock ?? Date.now;
  }

  /** Load the stored identity, if this profile has registered. */
  async open(): Promise<StoredIdentity | undefined> {
    this.identity ??= await this.options.store.getIdentity();
    return this.identity;
  }

  get address(): string {
    return this.requireIdentity().address;
  }

  get deviceId(): string {
    return this.requireIdentity().deviceId;
  }

  /** Create the account and this device on `server`; the keys are made here and never leave. */
  async register(server: string, address: string, displayName = ""): Promise<StoredIdentity> {
    if (await this.open())
      throw new ClientError("ALREADY_REGISTERED", `this profile is already ${this.identity!.address}`);
    const keys = generateDeviceKeyPair();
    const deviceId = await deviceIdFor(keys.publicKey);
    const { session, challenge } = await RpcSession.open(this.options.transport(server), {
      onPush: () => {},
      onClose: () => {},
    });
    try {
      const result = await session.call("register", {
        address,
        displayName,
        signatureKey: keys.publicKey,
        signature: signChallenge(keys.privateKey, challenge),
      });
      const identity: StoredIdentity = {
        address: result.address,
        deviceId: result.deviceId,
        displayName: displayName || result.address,
        signaturePublicKey: keys.publicKey,
        signaturePrivateKey: keys.privateKey,
        server,
        createdAt: this.clock(),
      };
      if (identity.deviceId !== deviceId)
        throw new ClientError("NOT_REGISTERED", "the server named this device wrongly");
      await this.options.store.write([{ kind: "identity", identity }]);
      this.identity = identity;
      await topUpKeyPackages(this.deps(), session, 0);
      return identity;
    } finally {
      session.close();
    }
  }

  /** Connect, log in and sync; keeps reconnecting (with backoff) until close(). */
  async connect(): Promise<void> {
    await this.ensureLink().connect();
    await this.syncing;
  }

  /** Fetch and apply everything new, then flush the outbox. */
  async sync(): Promise<void> {
    const session = await this.ensureLink().connect();
    await this.syncing;
    await this.fullSync(session);
  }

  /** Disconnect and close the local store. */
  async close(): Promise<void> {
    this.link?.stop();
    this.link = undefined;
    clearTimeout(this.ackTimer);
    await this.syncing?.catch(() => {});
    await this.options.store.close();
  }

  /** Disconnect but keep the store open (the device goes offline; connect() again later). */
  disconnect(): void {
    this.link?.stop();
    this.link = undefined;
  }

  /** Small per-profile settings for the app built on the SDK (e.g. what the CLI already printed). */
  async getMeta(key: string): Promise<string | undefined> {
    return this.options.store.getMeta(`app.${key}`);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.options.store.write([{ kind: "setMeta", key: `app.${key}`, value }]);
  }

  async conversations(): Promise<LocalConversation[]> {
    return this.options.store.listConversations();
  }

  async messages(
    conversationId: string,
    options?: { afterSeq?: number; limit?: number },
  ): Promise<LocalMessage[]> {
    return this.options.store.listMessages(conversationId, options);
  }

  /** Incoming and outgoing messages as they are stored, until `signal` aborts. */
  async *stream(signal?: AbortSignal): AsyncGenerator<LocalMessage> {
    const buffer: LocalMessage[] = [];
    let wake: (() => void) | undefined;
    const off = this.events.on("message", (m) => {
      buffer.push(m);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      while (!signal?.aborted) {
        const next = buffer.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      off();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The direct conversation with `address` (all of their devices and this account's others), made if needed. */
  async openDirect(address: string): Promise<string> {
    const peer = await this.lookup(address);
    const found = await this.findDirect(peer);
    if (found) return found;
    const groupId = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const conversationId = toHex(groupId);
    const { state, groupInfo } = await this.options.engine.createGroup(this.engineIdentity(), groupId);
    try {
      await this.call("createConversation", {
        conversationId,
        kind: ConversationKind.DIRECT,
        peer,
        groupInfo,
      });
    } catch (err) {
      if (err instanceof ProtocolError && err.code === "ALREADY_EXISTS" && err.details.existingId) {
        await this.sync();
        const existing = await this.findDirect(peer);
        if (existing) return existing;
        throw new ClientError(
          "NOT_A_MEMBER",
          `a conversation with ${peer} exists that this device is not in`,
          { cause: err },
        );
      }
      throw err;
    }
    await this.saveNewConversation(conversationId, "direct", "", peer, state);
    await this.addParticipants(conversationId, [peer, this.address]);
    return conversationId;
  }

  /** A new group with members from any app; returns its conversation id. */
  async createGroup(title: string, addresses: string[]): Promise<string> {
    const groupId = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const conversationId = toHex(groupId);
    const { state, groupInfo } = await this.options.engine.createGroup(this.engineIdentity(), groupId);
    await this.call("createConversation", { conversationId, kind: ConversationKind.GROUP, groupInfo });
    await this.saveNewConversation(conversationId, "group", title, null, state);
    await this.addParticipants(conversationId, [...addresses, this.address]);
    return conversationId;
  }

  /** Add people (every device of each) to a group. */
  async addMembers(conversationId: string, addresses: string[]): Promise<void> {
    await this.addParticipants(conversationId, addresses);
  }

  /** Remove a person (every device of theirs) from a group. */
  async removeMember(conversationId: string, address: string): Promise<void> {
    const target = await this.lookup(address);
    await this.commitChange(conversationId, async (conversation) => {
      const members = this.options.engine.members(this.options.engine.deserialize(conversation.groupState));
      const removeDeviceIds = members.filter((m) => m.address === target).map((m) => m.deviceId);
      if (removeDeviceIds.length === 0)
        throw new ClientError("NOT_A_MEMBER", `${target} is not in this conversation`);
      return { add: [], removeDeviceIds };
    });
  }

  /** Send a text to a conversation id or an address (its direct conversation). Resolves once durable on the hub. */
  async sendText(target: string, text: string): Promise<LocalMessage> {
    const conversationId = isConversationId(target) ? target : await this.openDirect(target);
    const message = await this.enqueue(conversationId, (id, now) => textContent(id, text, now), text);
    return this.deliverOutbox(message);
  }

  // --- internals -------------------------------------------------------------

  private async addParticipants(conversationId: string, addresses: string[]): Promise<void> {
    const keyPackages: Uint8Array[] = [];
    for (const address of addresses) {
      const claimed = await this.call("claimKeyPackages", { address });
      for (const kp of claimed.keyPackages)
        if (kp.deviceId !== this.deviceId) keyPackages.push(kp.keyPackage);
    }
    if (keyPackages.length === 0) return;
    await this.commitChange(conversationId, async () => ({ add: keyPackages, removeDeviceIds: [] }));
    const conversation = await this.requireConversation(conversationId);
    // New members cannot read what was said before they joined, the title included.
    if (conversation.kind === "group" && conversation.title !== "") {
      await this.enqueue(conversationId, (id, now) => groupProfileContent(id, conversation.title, now), null);
      await this.flushOutbox();
    }
  }

  /** [DS1] make a commit, and on EPOCH_CONFLICT catch up and make it again. */
  private async commitChange(
    conversationId: string,
    change: (conversation: LocalConversation) => Promise<{ add: Uint8Array[]; removeDeviceIds: string[] }>,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const outcome = await this.queue.run(conversationId, async () => {
        const conversation = await this.requireConversation(conversationId);
        const engine = this.options.engine;
        const pending = await engine.createCommit(
          this.engineIdentity(),
          engine.deserialize(conversation.groupState),
          await change(conversation),
        );
        try {
          await this.call("commit", {
            conversationId,
            clientMessageId: newMessageId(),
            epoch: BigInt(pending.epoch),
            commit: pending.commit,
            welcome: pending.welcome ?? new Uint8Array(),
            groupInfo: pending.groupInfo,
          });
        } catch (err) {
          if (err instanceof ProtocolError && err.code === "EPOCH_CONFLICT") return "conflict" as const;
          throw err;
        }
        // Adopt the new epoch; the commit's own log entry is skipped when it arrives.
        const next: LocalConversation = {
          ...conversation,
          groupState: engine.serialize(pending.newState),
          epoch: pending.newState.epoch,
          participants: participantsOf(engine, pending.newState),
          updatedAt: this.clock(),
        };
        await this.options.store.write([{ kind: "putConversation", conversation: next }]);
        this.events.emit("conversation", next);
        return "committed" as const;
      });
      if (outcome === "committed") return;
      await this.requireApplier().catchUp(conversationId);
    }
    throw new ProtocolError("EPOCH_CONFLICT", "gave up after repeated epoch conflicts");
  }

  /** Encrypt once and put in the outbox, with the ratchet's new state, atomically. */
  private async enqueue(
    conversationId: string,
    build: (id: string, now: number) => Uint8Array,
    text: string | null,
  ): Promise<LocalMessage> {
    return this.queue.run(conversationId, async () => {
      const conversation = await this.requireConversation(conversationId);
      const engine = this.options.engine;
      const id = newMessageId();
      const now = this.clock();
      const { message: payload, newState } = await engine.encrypt(
        this.engineIdentity(),
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
        senderAddress: this.address,
        senderDeviceId: this.deviceId,
        text: text ?? "",
        sentAt: now,
        serverTime: null,
        outgoing: true,
      };
      await this.options.store.write([
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
  private async deliverOutbox(message: LocalMessage): Promise<LocalMessage> {
    const item = (await this.options.store.listOutbox()).find((o) => o.clientMessageId === message.id);
    if (!item) return message;
    const sent = await this.call("sendMessage", {
      conversationId: item.conversationId,
      clientMessageId: item.clientMessageId,
      payload: item.payload,
      epoch: BigInt(item.epoch),
    });
    const stored: LocalMessage = { ...message, seq: Number(sent.seq), serverTime: Number(sent.serverTime) };
    await this.options.store.write([
      ...(message.text !== "" ? [{ kind: "putMessage" as const, message: stored }] : []),
      { kind: "deleteOutbox", clientMessageId: item.clientMessageId },
    ]);
    return stored;
  }

  private async flushOutbox(): Promise<void> {
    for (const item of await this.options.store.listOutbox()) {
      const stored = (await this.options.store.listMessages(item.conversationId)).find(
        (m) => m.id === item.clientMessageId,
      );
      await this.deliverOutbox(
        stored ?? {
          id: item.clientMessageId,
          conversationId: item.conversationId,
          seq: null,
          senderAddress: this.address,
          senderDeviceId: this.deviceId,
          text: "",
          sentAt: item.createdAt,
          serverTime: null,
          outgoing: true,
        },
      );
    }
  }

  private fullSync(session: RpcSession): Promise<void> {
    this.syncing ??= (async () => {
      try {
        const applier = this.requireApplier();
        let afterId = 0n;
        for (;;) {
          const inbox = await session.call("fetchInbox", { afterId, limit: 200 });
          for (const item of inbox.items) {
            await applier
              .acceptWelcome(item)
              .catch((err: unknown) =>
                this.events.emit("error", { error: err, context: `welcome ${item.conversationId}` }),
              );
            afterId = item.id;
          }
          if (inbox.items.length > 0) await session.call("ackInbox", { upToId: afterId });
          if (!inbox.hasMore) break;
        }
        const listed = await session.call("listConversations", {});
        for (const summary of listed.conversations) {
          const local = await this.options.store.getConversation(summary.id);
          if (!local) continue;
          await this.reconcile(
            local,
            summary.kind === ConversationKind.DIRECT ? "direct" : "group",
            summary.participants,
          );
          if (local.active && Number(summary.lastSeq) > local.appliedSeq) await applier.catchUp(summary.id);
        }
        await this.ackAll(session);
        await this.flushOutbox();
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /** Learn a joined conversation's kind (and a direct one's peer) from the hub's listing. */
  private async reconcile(
    local: LocalConversation,
    kind: "direct" | "group",
    participants: string[],
  ): Promise<void> {
    const peer = kind === "direct" ? (participants.find((p) => p !== this.address) ?? this.address) : null;
    if (local.kind === kind && local.peer === peer) return;
    const latest = await this.options.store.getConversation(local.id);
    if (latest)
      await this.options.store.write([{ kind: "putConversation", conversation: { ...latest, kind, peer } }]);
  }

  private async ackAll(session: RpcSession): Promise<void> {
    const cursors = (await this.options.store.listConversations()).map((c) => ({
      conversationId: c.id,
      seq: BigInt(c.appliedSeq),
    }));
    for (let i = 0; i < cursors.length; i += 500)
      await session.call("ack", { cursors: cursors.slice(i, i + 500) });
  }

  private onPush(push: Push): void {
    const applier = this.requireApplier();
    const body = push.body;
    const report = (context: string) => (err: unknown) => {
      // Losing the connection mid-task is not an error: the next login syncs again.
      if (err instanceof ClientError && (err.code === "NOT_CONNECTED" || err.code === "CLOSED")) return;
      this.events.emit("error", { error: err, context });
    };
    if (body.case === "entry") {
      const entry = body.value;
      applier
        .applyEntries(entry.conversationId, [entry])
        .then(() => this.scheduleAck())
        .catch(report(`push ${entry.conversationId}`));
    } else if (body.case === "inbox") {
      const item = body.value;
      applier
        .acceptWelcome(item)
        .then(async () => {
          await this.call("ackInbox", { upToId: item.id });
          const session = this.link?.current;
          if (session) await this.fullSync(session);
        })
        .catch(report(`welcome ${item.conversationId}`));
    } else if (body.case === "keyPackagesLow") {
      const session = this.link?.current;
      // One top-up at a time: several claims in a row each send this signal.
      if (session && !this.toppingUp) {
        this.toppingUp = topUpKeyPackages(this.deps(), session, body.value.remaining)
          .then(() => undefined, report("key packages"))
          .finally(() => (this.toppingUp = undefined));
      }
    }
  }

  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private scheduleAck(): void {
    if (this.ackTimer) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      const session = this.link?.current;
      if (session) this.ackAll(session).catch(() => {});
    }, 50);
  }

  private ensureLink(): Link {
    const identity = this.requireIdentity();
    this.applier ??= new Applier({
      store: this.options.store,
      engine: this.options.engine,
      identity: this.engineIdentity(),
      queue: this.queue,
      fetch: async (conversationId, afterSeq) =>
        this.call("fetch", { conversationId, afterSeq: BigInt(afterSeq), limit: 1000 }),
      onMessage: (m) => this.events.emit("message", m),
      onConversation: (c) => this.events.emit("conversation", c),
      onError: (error, context) => this.events.emit("error", { error, context }),
      clock: this.clock,
    });
    this.link ??= new Link({
      transport: this.options.transport(identity.server),
      deviceId: identity.deviceId,
      privateKey: identity.signaturePrivateKey,
      onPush: (push) => this.onPush(push),
      onConnected: async (session, remaining) => {
        await topUpKeyPackages(this.deps(), session, remaining);
        await this.fullSync(session);
      },
      onStateChange: (state, detail) =>
        this.events.emit("connection", detail === undefined ? { state } : { state, detail }),
    });
    return this.link;
  }

  private async call<K extends OpCase>(op: K, value: OpInit<K>): Promise<ResultOf<K>> {
    return this.ensureLink().call(op, value);
  }

  private async lookup(address: string): Promise<string> {
    const result = await this.call("lookupAccount", { address });
    return result.account?.address ?? address;
  }

  private async findDirect(peer: string): Promise<string | undefined> {
    const all = await this.options.store.listConversations();
    return all.find((c) => c.kind === "direct" && c.peer === peer && c.active)?.id;
  }

  private async saveNewConversation(
    id: string,
    kind: "direct" | "group",
    title: string,
    peer: string | null,
    state: Parameters<GroupEngine["serialize"]>[0],
  ): Promise<void> {
    const now = this.clock();
    const conversation: LocalConversation = {
      id,
      kind,
      title,
      peer,
      participants: [this.address],
      groupState: this.options.engine.serialize(state),
      epoch: state.epoch,
      appliedSeq: 0,
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.options.store.write([{ kind: "putConversation", conversation }]);
    this.events.emit("conversation", conversation);
  }

  private async requireConversation(id: string): Promise<LocalConversation> {
    const conversation = await this.options.store.getConversation(id);
    if (!conversation) throw new ClientError("UNKNOWN_CONVERSATION", `no conversation ${id} on this device`);
    if (!conversation.active)
      throw new ClientError("NOT_A_MEMBER", `this device is no longer in conversation ${id}`);
    return conversation;
  }

  private requireIdentity(): StoredIdentity {
    if (!this.identity) throw new ClientError("NOT_REGISTERED", "register this device first");
    return this.identity;
  }

  private requireApplier(): Applier {
    this.ensureLink();
    return this.applier!;
  }

  private engineIdentity(): DeviceIdentity {
    const id = this.requireIdentity();
    return {
      address: id.address,
      deviceId: id.deviceId,
      signaturePublicKey: id.signaturePublicKey,
      signaturePrivateKey: id.signaturePrivateKey,
    };
  }

  private deps() {
    return {
      store: this.options.store,
      engine: this.options.engine,
      identity: this.engineIdentity(),
      clock: this.clock,
    };
  }
}

export { fromHex };
