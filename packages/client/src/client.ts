/**
 * SwitchboardClient: one device of one account. Owns the device's keys and
 * every MLS group state; the hub sees only ciphertext. Public API in the
 * platform's style: promises, events and an async iterator of messages.
 */
import {
  ConversationKind,
  InboxKind,
  ProtocolError,
  normaliseDisplayName,
  fromHex,
  isConversationId,
  toHex,
  type InboxItem,
} from "@switchboard/protocol";
import { Applier } from "./conversations/applier.js";
import { rejoinConversation } from "./conversations/rejoin.js";
import { newConversation } from "./conversations/newConversation.js";
import { Committer } from "./conversations/commits.js";
import type { DeviceInbox } from "./devices/deviceInbox.js";
import type { HistoryChoice } from "./devices/history.js";
import type { AccountDevices } from "./devices/accountDevices.js";
import type { ApprovedDevice } from "./devices/linking.js";
import { DeviceTrust } from "./devices/trust.js";
import { signMoveRevocations } from "./devices/moveRevocations.js";
import { Messaging, type SentChange } from "./conversations/messaging.js";
import { streamMessages } from "./conversations/messageStream.js";
import type { Quote } from "./content/rules.js";
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
import { RpcSession, type OpCase, type OpInit, type ResultOf, type RpcHandlers } from "./session/rpc.js";
import { Syncer } from "./session/sync.js";
import { formatServers, parseServers } from "./session/servers.js";
import type { LocalConversation, LocalMessage, LocalReaction, StoredIdentity } from "./store/port.js";
import type { RecentListing } from "./store/recentPort.js";
import type {
  AccountDevice,
  ClientEvents,
  ClientOptions,
  LinkedDevice,
  PendingDeviceLink,
} from "./clientTypes.js";

export type { AccountDevice, ClientEvents, ClientOptions, LinkedDevice, PendingDeviceLink };
import type { ConversationStatus } from "./status/conversationStatus.js";
import type { People } from "./people/people.js";
import type { Groups } from "./conversations/groups/groups.js";
import type { Disappearing } from "./expiry/disappearing.js";
import { conversationTimer } from "./expiry/conversationTimer.js";
import type { Files } from "./media/files.js";
import { forgetExpiredFiles } from "./media/expiredFiles.js";
import type { LazyPart } from "./lazyPart.js";
import {
  lazyAccountDevices,
  lazyDeviceInbox,
  lazyExpiry,
  lazyGroups,
  lazyFiles,
  lazyPeople,
  lazyStatus,
} from "./lazyParts.js";

export class SwitchboardClient {
  readonly events = new Emitter<ClientEvents>();
  private readonly queue = new SerialQueue();
  private readonly clock: () => number;
  private identity: StoredIdentity | undefined;
  /** Set by close(): nothing may open a new link afterwards (a late task would otherwise reconnect). */
  private closed = false;
  private link: Link | undefined;
  private applier: Applier | undefined;
  private readonly outbox: Outbox;
  private readonly messaging: Messaging;
  private readonly committer: Committer;
  private readonly syncer: Syncer;
  private readonly pushes: PushReceiver;
  private readonly trust: DeviceTrust;
  private readonly deviceInbox: DeviceInbox;
  private readonly accountDevices: AccountDevices;
  /** Receipts, typing and presence (SPEC RS, EP). */
  readonly status: ConversationStatus;
  /** Group settings, admins, rename, remove and leave (SPEC GR); changes arrive as `group` events. */
  readonly groups: Groups;

  private readonly options: ClientOptions;
  // Loaded on demand (SPEC WB16): status, people and expiry once the client connects, attachments on first use.
  private readonly statusPart: LazyPart<ConversationStatus>;
  private readonly peoplePart: LazyPart<People>;
  private attachmentsPart: LazyPart<Files> | undefined;
  private expiryPart: LazyPart<Disappearing> | undefined;

  /** Disappearing messages and search (SPEC XP): the timer, the expiry sweeper, search. */
  get expiry(): Disappearing {
    const parts = { ...this.options, queue: this.queue, committer: this.committer };
    this.expiryPart ??= lazyExpiry(
      ({ disappearingFor }) => disappearingFor(parts, this.events, () => this.address, this.clock),
      (error, context) => this.events.emit("error", { error, context }),
    );
    return this.expiryPart.part;
  }

  /** Display names, message requests and blocking (SPEC PP). */
  readonly people: People;
  /** Encrypted attachments (SPEC MD): sendFile, of, download; upload, complete, delete. */
  get attachments(): Files {
    const platform = this.options.attachmentPlatform;
    if (!platform) throw new ClientError("CLOSED", "this client was built without attachmentPlatform");
    this.attachmentsPart ??= lazyFiles({
      call: (op, value) => this.call(op, value),
      server: () => parseServers(this.options.servers ?? this.requireIdentity().server)[0]!,
      platform,
      store: this.options.store,
      messaging: this.messaging,
      openDirect: (address) => this.openDirect(address),
    });
    return this.attachmentsPart.part;
  }

  constructor(options: ClientOptions) {
    this.options = { ...options, engine: withStateCache(options.engine) };
    this.clock = options.clock ?? Date.now;
    const { store, engine } = this.options;
    const call: Call = (op, value) => this.call(op, value);
    const identity = () => this.engineIdentity();
    const applier = () => this.requireApplier();
    const currentSession = () => this.link?.current;
    const onError = (error: unknown, context: string) => this.events.emit("error", { error, context });
    this.trust = options.trust ?? new DeviceTrust();
    this.trust.bind({ call, store });
    this.trust.onRefused = (address, deviceId, reason) =>
      onError(new ClientError("UNTRUSTED", `${address} device ${deviceId}: ${reason}`), "device trust");
    this.trust.onMoved = (address) => this.events.emit("accountMoved", { address });
    this.deviceInbox = lazyDeviceInbox({
      store,
      call,
      trust: this.trust,
      identity: () => this.requireIdentity(),
      onHistory: ({ conversations, messages }) => {
        this.events.emit("history", { conversations, messages: messages.length });
        for (const m of messages) this.events.emit("message", m);
      },
    });
    const acceptInbox = (item: InboxItem) => this.acceptInbox(item);
    this.outbox = new Outbox({
      store,
      engine,
      queue: this.queue,
      call,
      identity,
      clock: this.clock,
      refresh: async (conversationId) => {
        await this.requireApplier().catchUp(conversationId);
        await this.committer.commitPendingRemovals(conversationId);
      },
      // The device's cursor moves past its own messages too (one ack per burst of sends):
      // the hub prunes an entry only once every member device acknowledged it (DS12), so a
      // device that only sends would otherwise hold its own messages, and its quota, forever.
      acknowledged: async (conversationId, seq) => {
        await this.requireApplier().acknowledgedOwn(conversationId, seq);
        this.syncer.scheduleAck();
      },
      wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      rateLimited: (conversationId, retryAfterMs) =>
        this.events.emit("rateLimited", { conversationId, retryAfterMs }),
    });
    this.committer = new Committer({
      store,
      engine,
      queue: this.queue,
      call,
      outbox: this.outbox,
      identity,
      applier,
      onConversation: (c) => this.events.emit("conversation", c),
      onGroupChange: (change) => this.groups.changed(change),
      trust: this.trust,
      clock: this.clock,
    });
    const groupRim = { store, engine, call, identity, applier, queue: this.queue, clock: this.clock };
    const lookup = (address: string) => this.lookup(address);
    this.groups = lazyGroups({
      ...groupRim,
      outbox: this.outbox,
      committer: this.committer,
      trust: this.trust,
      lookup,
      events: this.events,
    });
    const send = {
      store,
      queue: this.queue,
      outbox: this.outbox,
      commitPendingRemovals: (id: string) => this.committer.commitPendingRemovals(id),
      stored: (message: LocalMessage) => this.events.emit("message", message),
      expiresAfterSeconds: (conversation: LocalConversation) => conversationTimer(engine, conversation),
      deleteBlob: async (blobId: string) => void (await this.call("deleteBlob", { blobId })),
      identity,
      clock: this.clock,
    };
    this.messaging = new Messaging(send);
    const status = { send, engine, call, events: this.events, onError, connected: () => !!this.link };
    this.statusPart = lazyStatus({ ...send, ...status }, onError);
    this.status = this.statusPart.part;
    this.peoplePart = lazyPeople({
      send: this.messaging.deps,
      call,
      // Declining a group's request leaves it; a direct request is only deleted here (PP4).
      // A group is told by its settings in the MLS state (GR1): a linked device may not
      // have learnt a direct chat's kind from the hub yet when it declines.
      leave: async (id) => {
        const c = await store.getConversation(id);
        if (c?.active && engine.settings(engine.loadState(c.groupState)) !== undefined)
          await this.groups.leave(id);
      },
    });
    this.people = this.peoplePart.part;
    // [RS7] No receipts or typing into a request this account has not accepted.
    this.status.mayShareStatus = async (id) => !(await this.people.isPendingRequest(id));
    // [XP5] an expired message's files go with it.
    this.events.on("expired", (message) => {
      forgetExpiredFiles(store, message, send.deleteBlob).catch((err) => onError(err, "expired files"));
    });
    this.accountDevices = lazyAccountDevices({
      call: (op, value) => this.call(op, value),
      store,
      trust: this.trust,
      committer: this.committer,
      clock: this.clock,
      identity: () => this.requireIdentity(),
      catchUp: (conversationId) => this.requireApplier().catchUp(conversationId),
      sync: () => this.sync(),
      lookup: (address) => this.lookup(address),
      reportError: (error, context) => this.events.emit("error", { error, context }),
    });
    this.syncer = new Syncer({
      store,
      outbox: this.outbox,
      identity,
      applier,
      acceptInbox,
      currentSession,
      onError,
      onGroupEvent: (event) => this.events.emit("group", event),
      clock: this.clock,
      onConversation: (c) => this.events.emit("conversation", c),
    });
    this.pushes = new PushReceiver({
      call,
      syncer: this.syncer,
      applier,
      acceptInbox,
      currentSession,
      topUpKeyPackages: (session, remaining) => topUpKeyPackages(this.deps(), session, remaining),
      onEphemeral: (pushed) => this.status.receivedEphemeral(pushed),
      onError,
    });
  }

  /** Load the stored identity, if this profile has registered. */
  async open(): Promise<StoredIdentity | undefined> {
    this.identity ??= await this.protect(await this.options.store.getIdentity());
    return this.identity;
  }

  get address(): string {
    return this.requireIdentity().address;
  }

  get deviceId(): string {
    return this.requireIdentity().deviceId;
  }

  /**
   * Ask the hub to send a registration code for `address`, on an app that
   * verifies phone numbers or emails (SPEC DIR9); the app's service sends it
   * by SMS or email. Resolves to the normalised address and when the code expires.
   */
  async requestVerificationCode(
    server: string | string[],
    address: string,
  ): Promise<{ address: string; expiresAt: number }> {
    const { session } = await this.openAny(parseServers(server), { onPush: () => {}, onClose: () => {} });
    try {
      const result = await session.call("requestVerificationCode", { address });
      return { address: result.address, expiresAt: Number(result.expiresAt) };
    } finally {
      session.close();
    }
  }

  /**
   * Create the account and this device on `server`; the keys are made here
   * and never leave. On an app that verifies, pass the code the person
   * received: for an address already registered, this moves the account to
   * this device and the hub revokes the old ones (SPEC DIR10).
   */
  async register(
    server: string | string[],
    address: string,
    displayName = "",
    options: { verificationCode?: string } = {},
  ): Promise<StoredIdentity> {
    if (await this.open())
      throw new ClientError("ALREADY_REGISTERED", `this profile is already ${this.identity!.address}`);
    const name = normaliseDisplayName(displayName);
    if (!name.ok) throw new ProtocolError("INVALID_ARGUMENT", `display name: ${name.reason}`);
    displayName = name.name;
    const keys = generateDeviceKeyPair();
    const deviceId = await deviceIdFor(keys.publicKey);
    const servers = parseServers(server);
    const { session, challenge } = await this.openAny(servers, { onPush: () => {}, onClose: () => {} });
    try {
      const result = await session.call("register", {
        address,
        displayName,
        signatureKey: keys.publicKey,
        signature: signChallenge(keys.privateKey, challenge),
        verificationCode: options.verificationCode ?? "",
      });
      const identity: StoredIdentity = {
        address: result.address,
        deviceId: result.deviceId,
        displayName: displayName || result.address,
        signaturePublicKey: keys.publicKey,
        signaturePrivateKey: keys.privateKey,
        server: formatServers(servers),
        createdAt: this.clock(),
      };
      if (identity.deviceId !== deviceId)
        throw new ClientError("NOT_REGISTERED", "the server named this device wrongly");
      await this.options.store.write([{ kind: "identity", identity }]);
      this.identity = await this.protect(identity);
      // This account's first device: every later device's approval chain ends here.
      await this.trust.pinRoot(identity.address, identity.deviceId, identity.signaturePublicKey);
      await topUpKeyPackages(this.deps(), session, 0);
      // [DIR15] A code may have moved the account here: sign the old phone's revocations.
      if (options.verificationCode)
        await signMoveRevocations((op, value) => session.call(op, value), identity, this.clock).catch((err) =>
          this.events.emit("error", { error: err, context: "account move" }),
        );
      return this.identity;
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
    this.closed = true;
    this.link?.stop();
    this.link = undefined;
    this.syncer.cancelAck();
    // The sweeper stops now if its part is here, or as soon as it is (a start may be on its way).
    const expiry = this.expiryPart;
    if (expiry?.loaded()) expiry.loaded()!.stop();
    else if (expiry?.started())
      void expiry
        .ready()
        .then((loaded) => loaded.stop())
        .catch(() => {});
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

  /** Newest first: a chat list's preview, or the next page up a long chat (SPEC WB1). */
  recentMessages(conversationId: string, options?: RecentListing): Promise<LocalMessage[]> {
    return this.options.store.listRecentMessages(conversationId, options);
  }

  /** Incoming messages as they are stored, until `signal` aborts. */
  stream(signal?: AbortSignal): AsyncGenerator<LocalMessage> {
    return streamMessages(this.events, signal);
  }

  /** The direct conversation with `address` (all of their devices and this account's others), made if needed. */
  async openDirect(address: string): Promise<string> {
    const peer = await this.lookup(address);
    const found = await this.findDirect(peer);
    if (found) return found;
    const groupId = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const conversationId = toHex(groupId);
    const { state, groupInfo } = await this.options.engine.createGroup(this.engineIdentity(), groupId, {
      externalSender: await this.hubKey(),
    });
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
    const { state, groupInfo } = await this.options.engine.createGroup(this.engineIdentity(), groupId, {
      externalSender: await this.hubKey(),
      settings: { admins: [this.address], everyoneManages: false }, // [GR1] the creator is its admin
    });
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
  removeMember(conversationId: string, address: string): Promise<void> {
    return this.groups.removeMember(conversationId, address);
  }

  /** Send a text to a conversation id or an address (its direct conversation); resolves once durable, with its MIMI id. */
  async sendText(target: string, text: string): Promise<LocalMessage> {
    return this.messaging.sendText(isConversationId(target) ? target : await this.openDirect(target), text);
  }

  /** Reply to a message (SPEC CT4). */
  reply(conversationId: string, messageId: string, text: string): Promise<LocalMessage> {
    return this.messaging.reply(conversationId, messageId, text);
  }

  /** React to a message, or (null) take this person's reaction away (SPEC CT5, CT12). */
  react(conversationId: string, messageId: string, emoji: string | null): Promise<SentChange | null> {
    return this.messaging.react(conversationId, messageId, emoji);
  }

  /** Edit one's own message: within 24 h, at most 10 times (SPEC CT6, CT10). */
  edit(
    conversationId: string,
    messageId: string,
    text: string,
  ): Promise<SentChange & { message: LocalMessage }> {
    return this.messaging.edit(conversationId, messageId, text);
  }

  /** Delete one's own message for everyone, within 48 h (SPEC CT7, CT11). */
  deleteForEveryone(conversationId: string, messageId: string): Promise<SentChange> {
    return this.messaging.deleteForEveryone(conversationId, messageId);
  }

  /** Forget a message on this device only. */
  deleteForMe(conversationId: string, messageId: string): Promise<void> {
    return this.messaging.deleteForMe(conversationId, messageId);
  }

  /** A message's reactions, one per person (SPEC CT12); and what a reply quotes (CT13). */
  reactions(conversationId: string, messageId: string): Promise<LocalReaction[]> {
    return this.messaging.reactions(conversationId, messageId);
  }

  quote(conversationId: string, messageId: string): Promise<Quote> {
    return this.messaging.quote(conversationId, messageId);
  }

  // --- devices -----------------------------------------------------------------

  /**
   * Start linking this (new, unregistered) profile as another device of an
   * existing account. Show `code` (or `qr`) to the user; approve it on a
   * device of the account (`approveDevice`). `approved` resolves once this
   * device is part of the account; then `connect()` to receive everything.
   */
  async beginLink(server: string | string[], deviceName: string): Promise<PendingDeviceLink> {
    if (await this.open())
      throw new ClientError("ALREADY_REGISTERED", `this profile is already ${this.identity!.address}`);
    // Linking is rare: its code comes in when asked for (WB16).
    const [{ beginDeviceLink }, { LINK_KEY_META }] = await Promise.all([
      import("./devices/linkThisDevice.js"),
      import("./devices/deviceInbox.js"),
    ]);
    return beginDeviceLink(
      {
        openAny: (servers, handlers) => this.openAny(servers, handlers),
        clock: this.clock,
        become: async ({ identity, linkKey, root, session, keyPackagesRemaining }) => {
          await this.options.store.write([
            { kind: "identity", identity },
            { kind: "setMeta", key: LINK_KEY_META, value: toHex(linkKey) },
          ]);
          this.identity = await this.protect(identity);
          await this.trust.pinRoot(identity.address, root.id, root.signatureKey);
          await topUpKeyPackages(this.deps(), session, keyPackagesRemaining);
          return this.identity;
        },
      },
      server,
      deviceName,
    );
  }

  /**
   * Approve a new device by the code it shows: it joins this account and every
   * conversation this device is in, and gets the chosen history (sealed to
   * it; the hub relays only ciphertext). Wrong code: NOT_FOUND; expired:
   * LINK_EXPIRED; too many devices: DEVICE_LIMIT (ProtocolError codes).
   */
  approveDevice(code: string, options: { history?: HistoryChoice } = {}): Promise<ApprovedDevice> {
    return this.accountDevices.approve(code, options.history ?? "all");
  }

  /**
   * The safety number with `address`: 60 digits both people see the same of
   * when no one sits between them. It changes when either adds or revokes a
   * device (the `devices` event says when).
   */
  safetyNumber(address: string): Promise<string> {
    return this.accountDevices.safetyNumber(address);
  }

  /** This account's devices, oldest first (revoked ones left out). */
  devices(): Promise<AccountDevice[]> {
    return this.accountDevices.list();
  }

  /**
   * Revoke one of this account's devices (a lost phone): it can no longer log
   * in, and it is removed from every conversation (the hub proposes each
   * removal; this device commits them). The last device cannot be revoked
   * (LAST_DEVICE).
   */
  revokeDevice(deviceId: string): Promise<{ conversations: number }> {
    return this.accountDevices.revoke(deviceId);
  }

  // --- internals -------------------------------------------------------------

  /** A session with the first of `servers` that answers (in order). */
  private async openAny(servers: string[], handlers: RpcHandlers): ReturnType<typeof RpcSession.open> {
    let lastError: unknown;
    for (const url of servers) {
      try {
        return await RpcSession.open(this.options.transport(url), handlers, this.options.timings ?? {});
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new ClientError("NOT_CONNECTED", "no server answered");
  }

  /** Inbox items one at a time, in order: a Welcome before the history that refers to it. */
  private acceptInbox(item: InboxItem): Promise<void> {
    return this.queue.run("@inbox", async () => {
      if (item.kind === InboxKind.WELCOME) await this.people.classifyWelcome(item);
      if (item.kind === InboxKind.WELCOME) await this.requireApplier().acceptWelcome(item);
      else if (item.kind === InboxKind.DEVICE_MESSAGE) await this.deviceInbox.receive(item);
      // LINK items are read while linking (beginLink); a copy found later needs nothing.
    });
  }

  /** The hub's external-sender key, which every new group names (it proposes revoked devices' removal). */
  private async hubKey(): Promise<Uint8Array> {
    const link = this.ensureLink();
    await link.connect();
    const key = link.hubSignatureKey;
    if (!key || key.length !== 32)
      throw new ClientError("NOT_CONNECTED", "the hub sent no external-sender key");
    return key;
  }

  private ensureLink(): Link {
    if (this.closed) throw new ClientError("CLOSED", "the client is closed");
    const identity = this.requireIdentity();
    this.applier ??= new Applier({
      store: this.options.store,
      engine: this.options.engine,
      identity: this.engineIdentity(),
      queue: this.queue,
      fetch: async (conversationId, afterSeq) =>
        this.call("fetch", { conversationId, afterSeq: BigInt(afterSeq), limit: 1000 }),
      onMessage: (m) => this.events.emit("message", m),
      onPlaintext: (...decrypted) => this.status.received(...decrypted),
      onContent: (notice) => this.events.emit(notice.kind, notice as never),
      onConversation: (c) => this.events.emit("conversation", c),
      onGroupChange: (change) => this.groups.changed(change),
      onLeaveProposal: (id) => this.groups.commitLeaves(id),
      onCommitApplied: this.expiry.commitApplied.bind(this.expiry),
      onError: (error, context) => this.events.emit("error", { error, context }),
      historyExpired: async (conversation, firstSeq) => {
        const rejoined = await rejoinConversation(
          {
            store: this.options.store,
            engine: this.options.engine,
            call: (op, value) => this.call(op, value),
            identity: () => this.engineIdentity(),
            clock: this.clock,
          },
          conversation,
        );
        this.events.emit("conversation", rejoined);
        this.events.emit("historyExpired", {
          conversationId: conversation.id,
          firstSeq,
          rejoinedAtSeq: rejoined.appliedSeq,
        });
        return rejoined;
      },
      clock: this.clock,
    });
    const servers = parseServers(this.options.servers ?? identity.server);
    if (!this.link) this.loadParts();
    this.link ??= new Link({
      transports: servers.map((url) => this.options.transport(url)),
      servers,
      giveUpAfterMs: this.options.connectTimeoutMs,
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(this.options.timings ? { timings: this.options.timings } : {}),
      deviceId: identity.deviceId,
      privateKey: identity.signaturePrivateKey,
      // Frames already read from the socket still arrive after close(): a
      // closed client has nothing to apply them to (the next sync gets them).
      onPush: (push) => {
        if (!this.closed) this.pushes.receive(push);
      },
      onConnected: async (session, remaining) => {
        await topUpKeyPackages(this.deps(), session, remaining);
        await this.syncer.run(session);
      },
      onStateChange: (state, detail) =>
        this.events.emit("connection", detail === undefined ? { state } : { state, detail }),
    });
    return this.link;
  }

  /** Connecting: the parts every sync may use come in now, after the app's first screen (WB16). */
  private loadParts(): void {
    const failed = (error: unknown) => this.events.emit("error", { error, context: "loading" });
    this.statusPart.ready().catch(failed);
    this.peoplePart.ready().catch(failed);
    this.expiryPart?.ready().catch(failed);
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
    state: Parameters<GroupEngine["saveState"]>[0],
  ): Promise<void> {
    const fields = { id, kind, title, peer };
    const conversation = newConversation(this.options.engine, fields, this.address, state, this.clock());
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

  private async protect(identity: StoredIdentity): Promise<StoredIdentity>;
  private async protect(identity: StoredIdentity | undefined): Promise<StoredIdentity | undefined>;
  private async protect(identity: StoredIdentity | undefined): Promise<StoredIdentity | undefined> {
    return identity === undefined || this.options.protectIdentity === undefined
      ? identity
      : this.options.protectIdentity(identity);
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
