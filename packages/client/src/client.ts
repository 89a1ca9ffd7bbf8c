/**
 * SwitchboardClient: one device of one account. Owns the device's keys and
 * every MLS group state; the hub sees only ciphertext. Public API in the
 * platform's style: promises, events and an async iterator of messages.
 *
 * This is the facade; the work is done elsewhere. How its parts are wired:
 * clientParts.ts; its link to the hub: clientConnection.ts; registering and
 * linking this device: devices/registration.ts; new conversations:
 * conversations/startConversation.ts; sending: conversations/messaging.ts;
 * this account's devices: devices/accountDevices.ts; the parts loaded on
 * demand (status, people, groups, expiry, attachments): lazyParts.ts.
 */
import { fromHex, isConversationId } from "@switchboard/protocol";
import type { Committer } from "./conversations/commits.js";
import { createGroup, openDirect, type StartConversationDeps } from "./conversations/startConversation.js";
import type { DeviceInbox } from "./devices/deviceInbox.js";
import type { HistoryChoice } from "./devices/history.js";
import type { AccountDevices } from "./devices/accountDevices.js";
import type { ApprovedDevice } from "./devices/linking.js";
import {
  beginLink,
  registerThisDevice,
  requestVerificationCode,
  type RegistrationDeps,
} from "./devices/registration.js";
import type { DeviceTrust } from "./devices/trust.js";
import type { Messaging, SentChange } from "./conversations/messaging.js";
import { streamMessages } from "./conversations/messageStream.js";
import type { Quote } from "./content/rules.js";
import type { Outbox } from "./conversations/outbox.js";
import { SerialQueue } from "./conversations/serialQueue.js";
import { ClientError } from "./errors.js";
import { Emitter } from "./events.js";
import type { DeviceIdentity } from "./mls/engine.js";
import { withStateCache } from "./mls/stateCache.js";
import type { PushReceiver } from "./session/push.js";
import type { OpCase, OpInit, ResultOf } from "./session/rpc.js";
import type { Syncer } from "./session/sync.js";
import { parseServers } from "./session/servers.js";
import type { LocalConversation, LocalMessage, LocalReaction, StoredIdentity } from "./store/port.js";
import type { RecentListing } from "./store/recentPort.js";
import type {
  AccountDevice,
  ClientEvents,
  ClientOptions,
  LinkedDevice,
  PendingDeviceLink,
} from "./clientTypes.js";
import type { ClientConnection } from "./clientConnection.js";
import { wireParts } from "./clientParts.js";

export type { AccountDevice, ClientEvents, ClientOptions, LinkedDevice, PendingDeviceLink };
import type { ConversationStatus } from "./status/conversationStatus.js";
import type { People } from "./people/people.js";
import type { Groups } from "./conversations/groups/groups.js";
import type { Disappearing } from "./expiry/disappearing.js";
import type { Files } from "./media/files.js";
import type { LazyPart } from "./lazyPart.js";
import { lazyExpiry, lazyFiles } from "./lazyParts.js";

export class SwitchboardClient {
  readonly events = new Emitter<ClientEvents>();
  private readonly queue = new SerialQueue();
  private readonly clock: () => number;
  private identity: StoredIdentity | undefined;
  /** The link to the hub (made on first use) and the Applier that comes with it. */
  private readonly connection: ClientConnection;
  /** What registering and linking this device, and starting a conversation, need. */
  private readonly registration: RegistrationDeps;
  private readonly starting: StartConversationDeps;
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
    const parts = wireParts({
      options: this.options,
      queue: this.queue,
      clock: this.clock,
      events: this.events,
      requireIdentity: () => this.requireIdentity(),
      engineIdentity: () => this.engineIdentity(),
      takeUp: async (identity) => (this.identity = await this.protect(identity)),
      expiry: () => this.expiry,
      loadParts: () => this.loadParts(),
      sync: () => this.sync(),
    });
    this.connection = parts.connection;
    this.registration = parts.registration;
    this.starting = parts.starting;
    this.trust = parts.trust;
    this.deviceInbox = parts.deviceInbox;
    this.outbox = parts.outbox;
    this.committer = parts.committer;
    this.groups = parts.groups;
    this.messaging = parts.messaging;
    this.statusPart = parts.statusPart;
    this.status = parts.status;
    this.peoplePart = parts.peoplePart;
    this.people = parts.people;
    this.accountDevices = parts.accountDevices;
    this.syncer = parts.syncer;
    this.pushes = parts.pushes;
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
    return requestVerificationCode(this.registration, server, address);
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
    return registerThisDevice(this.registration, server, address, displayName, options);
  }

  /** Connect, log in and sync; keeps reconnecting (with backoff) until close(). */
  async connect(): Promise<void> {
    await this.connection.ensureLink().connect();
    await this.syncer.running;
  }

  /** Fetch and apply everything new, then flush the outbox. */
  async sync(): Promise<void> {
    const session = await this.connection.ensureLink().connect();
    await this.syncer.running;
    await this.syncer.run(session);
  }

  /** Disconnect and close the local store. */
  async close(): Promise<void> {
    this.connection.close();
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
    this.connection.disconnect();
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
    return openDirect(this.starting, address);
  }

  /** A new group with members from any app; returns its conversation id. */
  async createGroup(title: string, addresses: string[]): Promise<string> {
    return createGroup(this.starting, title, addresses);
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
    return beginLink(this.registration, server, deviceName);
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

  /** Connecting: the parts every sync may use come in now, after the app's first screen (WB16). */
  private loadParts(): void {
    const failed = (error: unknown) => this.events.emit("error", { error, context: "loading" });
    this.statusPart.ready().catch(failed);
    this.peoplePart.ready().catch(failed);
    this.expiryPart?.ready().catch(failed);
  }

  private async call<K extends OpCase>(op: K, value: OpInit<K>): Promise<ResultOf<K>> {
    return this.connection.call(op, value);
  }

  private requireIdentity(): StoredIdentity {
    if (!this.identity) throw new ClientError("NOT_REGISTERED", "register this device first");
    return this.identity;
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
}

export { fromHex };
