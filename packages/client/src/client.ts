/**
 * SwitchboardClient: one device of one account. Owns the device's keys and
 * every MLS group state; the hub sees only ciphertext. Public API in the
 * platform's style: promises, events and an async iterator of messages.
 */
import { ConversationKind, ProtocolError, fromHex, isConversationId, toHex } from "@switchboard/protocol";
import { Applier } from "./conversations/applier.js";
import { Committer } from "./conversations/commits.js";
import { textContent } from "./conversations/content.js";
import { Outbox } from "./conversations/outbox.js";
import { SerialQueue } from "./conversations/serialQueue.js";
import { ClientError } from "./errors.js";
import { Emitter } from "./events.js";
import { deviceIdFor, generateDeviceKeyPair, signChallenge } from "./identity/deviceKeys.js";
import { topUpKeyPackages } from "./keyPackages.js";
import type { DeviceIdentity, GroupEngine } from "./mls/engine.js";
import { withStateCache } from "./mls/stateCache.js";
import type { Call } from "./session/call.js";
import { Link } from "./session/link.js";
import { PushReceiver } from "./session/push.js";
import { RpcSession, type OpCase, type OpInit, type ResultOf } from "./session/rpc.js";
import { Syncer } from "./session/sync.js";
import type { LocalConversation, LocalMessage, LocalStore, StoredIdentity } from "./store/port.js";
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

export class SwitchboardClient {
  readonly events = new Emitter<ClientEvents>();
  private readonly queue = new SerialQueue();
  private readonly clock: () => number;
  private identity: StoredIdentity | undefined;
  private link: Link | undefined;
  private applier: Applier | undefined;
  private readonly outbox: Outbox;
  private readonly committer: Committer;
  private readonly syncer: Syncer;
  private readonly pushes: PushReceiver;

  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = { ...options, engine: withStateCache(options.engine) };
    this.clock = options.clock ?? Date.now;
    const { store, engine } = this.options;
    const call: Call = (op, value) => this.call(op, value);
    const identity = () => this.engineIdentity();
    const applier = () => this.requireApplier();
    const currentSession = () => this.link?.current;
    const onError = (error: unknown, context: string) => this.events.emit("error", { error, context });
    this.outbox = new Outbox({ store, engine, queue: this.queue, call, identity, clock: this.clock });
    this.committer = new Committer({
      store,
      engine,
      queue: this.queue,
      call,
      outbox: this.outbox,
      identity,
      applier,
      onConversation: (c) => this.events.emit("conversation", c),
      clock: this.clock,
    });
    this.syncer = new Syncer({ store, outbox: this.outbox, identity, applier, currentSession, onError });
    this.pushes = new PushReceiver({
      call,
      syncer: this.syncer,
      applier,
      currentSession,
      topUpKeyPackages: (session, remaining) => topUpKeyPackages(this.deps(), session, remaining),
      onError,
    });
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
    await this.syncer.running;
  }

  /** Fetch and apply everything new, then flush the outbox. */
  async sync(): Promise<void> {
    const session = await this.ensureLink().connect();
    await this.syncer.running;
    await this.syncer.run(session);
  }

  /** Disconnect and close the local store. */
  async close(): Promise<void> {
    this.link?.stop();
    this.link = undefined;
    this.syncer.cancelAck();
    await this.syncer.running?.catch(() => {});
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
    await this.committer.addParticipants(conversationId, [peer, this.address]);
    return conversationId;
  }

  /** A new group with members from any app; returns its conversation id. */
  async createGroup(title: string, addresses: string[]): Promise<string> {
    const groupId = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const conversationId = toHex(groupId);
    const { state, groupInfo } = await this.options.engine.createGroup(this.engineIdentity(), groupId);
    await this.call("createConversation", { conversationId, kind: ConversationKind.GROUP, groupInfo });
    await this.saveNewConversation(conversationId, "group", title, null, state);
    await this.committer.addParticipants(conversationId, [...addresses, this.address]);
    return conversationId;
  }

  /** Add people (every device of each) to a group. */
  async addMembers(conversationId: string, addresses: string[]): Promise<void> {
    await this.committer.addParticipants(conversationId, addresses);
  }

  /** Remove a person (every device of theirs) from a group. */
  async removeMember(conversationId: string, address: string): Promise<void> {
    const target = await this.lookup(address);
    await this.committer.commitChange(conversationId, async (conversation) => {
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
    const message = await this.outbox.enqueue(conversationId, (id, now) => textContent(id, text, now), text);
    return this.outbox.deliver(message);
  }

  // --- internals -------------------------------------------------------------

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
      onPush: (push) => this.pushes.receive(push),
      onConnected: async (session, remaining) => {
        await topUpKeyPackages(this.deps(), session, remaining);
        await this.syncer.run(session);
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
