/**
 * How SwitchboardClient's parts are wired to one another: those made with
 * the client (wireParts: trust, the outbox, commits, groups, messaging,
 * status, people, account devices, sync, pushes and the inbox) and the
 * Applier made when it first connects (newApplier). The facade (client.ts) supplies what
 * only it holds: its link to the hub and the identity it took up.
 */
import { InboxKind, type InboxItem } from "@switchboard/protocol";
import { ClientConnection } from "./clientConnection.js";
import type { ClientEvents, ClientOptions } from "./clientTypes.js";
import { Applier } from "./conversations/applier.js";
import { Committer } from "./conversations/commits.js";
import type { Groups } from "./conversations/groups/groups.js";
import { Messaging } from "./conversations/messaging.js";
import { Outbox } from "./conversations/outbox.js";
import { rejoinConversation } from "./conversations/rejoin.js";
import type { StartConversationDeps } from "./conversations/startConversation.js";
import type { SerialQueue } from "./conversations/serialQueue.js";
import type { AccountDevices } from "./devices/accountDevices.js";
import type { DeviceInbox } from "./devices/deviceInbox.js";
import type { RegistrationDeps } from "./devices/registration.js";
import { DeviceTrust } from "./devices/trust.js";
import { ClientError } from "./errors.js";
import type { Emitter } from "./events.js";
import { conversationTimer } from "./expiry/conversationTimer.js";
import type { Disappearing } from "./expiry/disappearing.js";
import type { LazyPart } from "./lazyPart.js";
import { lazyAccountDevices, lazyDeviceInbox, lazyGroups, lazyPeople, lazyStatus } from "./lazyParts.js";
import { topUpKeyPackages } from "./keyPackages.js";
import { forgetExpiredFiles } from "./media/expiredFiles.js";
import type { DeviceIdentity } from "./mls/engine.js";
import type { People } from "./people/people.js";
import type { Call } from "./session/call.js";
import { PushReceiver } from "./session/push.js";
import type { RpcSession } from "./session/rpc.js";
import { Syncer } from "./session/sync.js";
import type { ConversationStatus } from "./status/conversationStatus.js";
import type { LocalConversation, LocalMessage, StoredIdentity } from "./store/port.js";

/** What the parts need from the client: its options, queue, clock and events, and what only the facade holds. */
export interface PartsDeps {
  options: ClientOptions;
  queue: SerialQueue;
  clock: () => number;
  events: Emitter<ClientEvents>;
  requireIdentity(): StoredIdentity;
  engineIdentity(): DeviceIdentity;
  /** The client takes up a newly stored identity (protecting it first) and answers it. */
  takeUp(identity: StoredIdentity): Promise<StoredIdentity>;
  /** Disappearing messages (made by the client on first use). */
  expiry(): Disappearing;
  /** Before the first link: the parts every sync may use start loading. */
  loadParts(): void;
  sync(): Promise<void>;
}

export interface ClientParts {
  trust: DeviceTrust;
  deviceInbox: DeviceInbox;
  outbox: Outbox;
  committer: Committer;
  groups: Groups;
  messaging: Messaging;
  statusPart: LazyPart<ConversationStatus>;
  status: ConversationStatus;
  peoplePart: LazyPart<People>;
  people: People;
  accountDevices: AccountDevices;
  syncer: Syncer;
  pushes: PushReceiver;
  connection: ClientConnection;
  /** What registering and linking this device need (devices/registration.ts). */
  registration: RegistrationDeps;
  /** What starting a conversation needs (conversations/startConversation.ts). */
  starting: StartConversationDeps;
}

export function wireParts(deps: PartsDeps): ClientParts {
  const { options, queue, clock, events } = deps;
  const { store, engine } = options;
  const call: Call = (op, value) => connection.call(op, value);
  const identity = () => deps.engineIdentity();
  const topUp = (session: RpcSession, remaining: number) =>
    topUpKeyPackages({ store, engine, identity: identity(), clock }, session, remaining);
  const applier = () => connection.requireApplier();
  const currentSession = () => connection.current;
  const onError = (error: unknown, context: string) => events.emit("error", { error, context });
  const connection = new ClientConnection({
    options,
    events,
    requireIdentity: () => deps.requireIdentity(),
    newApplier: () =>
      newApplier({
        options,
        queue,
        clock,
        events,
        call,
        engineIdentity: identity,
        status,
        groups,
        expiry: deps.expiry(),
      }),
    loadParts: () => deps.loadParts(),
    onPush: (push) => pushes.receive(push),
    onConnected: async (session, remaining) => {
      await topUp(session, remaining);
      await syncer.run(session);
    },
  });
  const trust = options.trust ?? new DeviceTrust();
  trust.bind({ call, store });
  trust.onRefused = (address, deviceId, reason) =>
    onError(new ClientError("UNTRUSTED", `${address} device ${deviceId}: ${reason}`), "device trust");
  trust.onMoved = (address) => events.emit("accountMoved", { address });
  const deviceInbox = lazyDeviceInbox({
    store,
    call,
    trust,
    identity: () => deps.requireIdentity(),
    onHistory: ({ conversations, messages }) => {
      events.emit("history", { conversations, messages: messages.length });
      for (const m of messages) events.emit("message", m);
    },
  });
  /** Inbox items one at a time, in order: a Welcome before the history that refers to it. */
  const acceptInbox = (item: InboxItem): Promise<void> =>
    queue.run("@inbox", async () => {
      if (item.kind === InboxKind.WELCOME) await people.classifyWelcome(item);
      if (item.kind === InboxKind.WELCOME) await connection.requireApplier().acceptWelcome(item);
      else if (item.kind === InboxKind.DEVICE_MESSAGE) await deviceInbox.receive(item);
      // LINK items are read while linking (beginLink); a copy found later needs nothing.
    });
  const outbox = new Outbox({
    store,
    engine,
    queue,
    call,
    identity,
    clock,
    refresh: async (conversationId) => {
      await connection.requireApplier().catchUp(conversationId);
      await committer.commitPendingRemovals(conversationId);
    },
    // The device's cursor moves past its own messages too (one ack per burst of sends):
    // the hub prunes an entry only once every member device acknowledged it (DS12), so a
    // device that only sends would otherwise hold its own messages, and its quota, forever.
    acknowledged: async (conversationId, seq) => {
      await connection.requireApplier().acknowledgedOwn(conversationId, seq);
      syncer.scheduleAck();
    },
    wait: options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    rateLimited: (conversationId, retryAfterMs) =>
      events.emit("rateLimited", { conversationId, retryAfterMs }),
  });
  const committer = new Committer({
    store,
    engine,
    queue,
    call,
    outbox,
    identity,
    applier,
    onConversation: (c) => events.emit("conversation", c),
    onGroupChange: (change) => groups.changed(change),
    trust,
    clock,
  });
  const groupRim = { store, engine, call, identity, applier, queue, clock };
  const lookup = async (address: string): Promise<string> => {
    const result = await call("lookupAccount", { address });
    return result.account?.address ?? address;
  };
  const groups = lazyGroups({
    ...groupRim,
    outbox,
    committer,
    trust,
    lookup,
    events,
  });
  const send = {
    store,
    queue,
    outbox,
    commitPendingRemovals: (id: string) => committer.commitPendingRemovals(id),
    stored: (message: LocalMessage) => events.emit("message", message),
    expiresAfterSeconds: (conversation: LocalConversation) => conversationTimer(engine, conversation),
    deleteBlob: async (blobId: string) => void (await call("deleteBlob", { blobId })),
    identity,
    clock,
  };
  const messaging = new Messaging(send);
  const statusDeps = { send, engine, call, events, onError, connected: () => connection.linked };
  const statusPart = lazyStatus({ ...send, ...statusDeps }, onError);
  const status = statusPart.part;
  const peoplePart = lazyPeople({
    send: messaging.deps,
    call,
    // Declining a group's request leaves it; a direct request is only deleted here (PP4).
    // A group is told by its settings in the MLS state (GR1): a linked device may not
    // have learnt a direct chat's kind from the hub yet when it declines.
    leave: async (id) => {
      const c = await store.getConversation(id);
      if (c?.active && engine.settings(engine.loadState(c.groupState)) !== undefined) await groups.leave(id);
    },
  });
  const people = peoplePart.part;
  // [RS7] No receipts or typing into a request this account has not accepted.
  status.mayShareStatus = async (id) => !(await people.isPendingRequest(id));
  // [XP5] an expired message's files go with it.
  events.on("expired", (message) => {
    forgetExpiredFiles(store, message, send.deleteBlob).catch((err) => onError(err, "expired files"));
  });
  const accountDevices = lazyAccountDevices({
    call: (op, value) => call(op, value),
    store,
    trust,
    committer,
    clock,
    identity: () => deps.requireIdentity(),
    catchUp: (conversationId) => connection.requireApplier().catchUp(conversationId),
    sync: () => deps.sync(),
    lookup,
    reportError: (error, context) => events.emit("error", { error, context }),
  });
  const syncer = new Syncer({
    store,
    outbox,
    identity,
    applier,
    acceptInbox,
    currentSession,
    onError,
    onGroupEvent: (event) => events.emit("group", event),
    clock,
    onConversation: (c) => events.emit("conversation", c),
  });
  const pushes = new PushReceiver({
    call,
    syncer,
    applier,
    acceptInbox,
    currentSession,
    topUpKeyPackages: (session, remaining) => topUp(session, remaining),
    onEphemeral: (pushed) => status.receivedEphemeral(pushed),
    onError,
  });
  const registration: RegistrationDeps = {
    store,
    trust,
    openAny: (servers, handlers) => connection.openAny(servers, handlers),
    clock,
    takeUp: (stored) => deps.takeUp(stored),
    topUpKeyPackages: (session, remaining) => topUp(session, remaining),
    reportError: (error, context) => events.emit("error", { error, context }),
  };
  const starting: StartConversationDeps = {
    store,
    engine,
    call,
    committer,
    identity,
    hubKey: () => connection.hubKey(),
    lookup,
    sync: () => deps.sync(),
    onConversation: (c) => events.emit("conversation", c),
    clock,
  };
  return {
    connection,
    registration,
    starting,
    trust,
    deviceInbox,
    outbox,
    committer,
    groups,
    messaging,
    statusPart,
    status,
    peoplePart,
    people,
    accountDevices,
    syncer,
    pushes,
  };
}

/** What the Applier tells: stored messages, content, conversations, group changes and applied commits. */
interface ApplierParts {
  options: ClientOptions;
  queue: SerialQueue;
  clock: () => number;
  events: Emitter<ClientEvents>;
  call: Call;
  engineIdentity(): DeviceIdentity;
  status: ConversationStatus;
  groups: Groups;
  expiry: Disappearing;
}

/** The Applier, made when the client first connects (it needs this device's identity). */
function newApplier(parts: ApplierParts): Applier {
  const { options, queue, clock, events, call, status, groups, expiry } = parts;
  return new Applier({
    store: options.store,
    engine: options.engine,
    identity: parts.engineIdentity(),
    queue,
    fetch: async (conversationId, afterSeq) =>
      call("fetch", { conversationId, afterSeq: BigInt(afterSeq), limit: 1000 }),
    onMessage: (m) => events.emit("message", m),
    onPlaintext: (...decrypted) => status.received(...decrypted),
    onContent: (notice) => events.emit(notice.kind, notice as never),
    onConversation: (c) => events.emit("conversation", c),
    onGroupChange: (change) => groups.changed(change),
    onLeaveProposal: (id) => groups.commitLeaves(id),
    onCommitApplied: expiry.commitApplied.bind(expiry),
    onError: (error, context) => events.emit("error", { error, context }),
    historyExpired: async (conversation, firstSeq) => {
      const rejoined = await rejoinConversation(
        {
          store: options.store,
          engine: options.engine,
          call: (op, value) => call(op, value),
          identity: () => parts.engineIdentity(),
          clock,
        },
        conversation,
      );
      events.emit("conversation", rejoined);
      events.emit("historyExpired", {
        conversationId: conversation.id,
        firstSeq,
        rejoinedAtSeq: rejoined.appliedSeq,
      });
      return rejoined;
    },
    clock,
  });
}
