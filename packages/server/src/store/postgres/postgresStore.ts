import type pg from "pg";
import type {
  AccountRecord,
  AppendProposalResult,
  AppendResult,
  ClaimedKeyPackage,
  CommitResult,
  ConversationRecord,
  ConversationView,
  CreateAccountResult,
  CreateConversationResult,
  CursorUpdate,
  DeviceRecord,
  HubSigningKey,
  GroupAdd,
  InboxRecord,
  LinkApproval,
  LinkApprovalResult,
  LogEntryRecord,
  MoveAccountResult,
  NewAccount,
  NewCommit,
  NewConversation,
  NewDevice,
  NewInboxItem,
  NewMessage,
  NewProposal,
  NewVerificationCode,
  PageRequest,
  PendingLinkRecord,
  RevocationProof,
  PendingProposal,
  PruneCut,
  PruneLogPage,
  PruneLogResult,
  Membership,
  Store,
  VerificationCodeRecord,
} from "../port.js";
import { NO_BYTE_BUDGET } from "../pageBudget.js";
import { AppendQueue, type AppendQueueStats } from "../appendQueue.js";
import { isUnavailable } from "./errors.js";
import { CommitQueries } from "./commit.js";
import { ConversationQueries } from "./conversations.js";
import { CursorQueries } from "./cursors.js";
import { Database, type Sql } from "./database.js";
import { DirectoryQueries, type AddDeviceResult } from "./directory.js";
import { HubKeyQueries } from "./hubKey.js";
import { InboxQueries } from "./inbox.js";
import { PageQueries } from "./pages.js";
import { KeyPackageQueries } from "./keyPackages.js";
import { LinkQueries } from "./links.js";
import { LogQueries } from "./log.js";
import { ProposalQueries } from "./proposals.js";
import { VerificationCodeQueries } from "./verificationCodes.js";
import { RetentionQueries } from "./retention.js";
import { BlockQueries } from "./blocks.js";
import type { BlockRecord } from "../blocksPort.js";
import { EntryExpiryQueries } from "./entryExpiry.js";

/** The session settings durability and liveness depend on, as the server reports them. */
export interface PostgresSettings {
  synchronousCommit: string;
  statementTimeout: string;
  idleInTransactionSessionTimeout: string;
  transactionIsolation: string;
  searchPath: string;
}

/**
 * The Store port on a PostgreSQL connection pool, for one node or many on
 * the same database. Each operation is one statement or one transaction;
 * what must be atomic across nodes is made so by row locks the server holds
 * until commit (see each query class). Application messages go through
 * AppendQueue, so concurrent appends share one statement and one commit.
 * Every write resolves only after its commit (synchronous_commit=on).
 *
 * When PostgreSQL is unreachable, operations reject with
 * StoreUnavailableError after at most the connect or statement timeout; the
 * pool reconnects by itself once the server is back.
 */
export class PostgresStore implements Store {
  private readonly db: Database;
  private readonly appends: AppendQueue;
  private readonly directory: DirectoryQueries;
  private readonly links: LinkQueries;
  private readonly hubKey: HubKeyQueries;
  private readonly keyPackages: KeyPackageQueries;
  private readonly conversations: ConversationQueries;
  private readonly log: LogQueries;
  private readonly commits: CommitQueries;
  private readonly proposals: ProposalQueries;
  private readonly cursors: CursorQueries;
  private readonly inbox: InboxQueries;
  private readonly codes: VerificationCodeQueries;
  private readonly retention: RetentionQueries;
  private readonly entryExpiry: EntryExpiryQueries;
  private readonly pages: PageQueries;
  private readonly blocks: BlockQueries;
  /** Operations issued and not yet settled, so close() can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;

  constructor(private readonly pool: pg.Pool) {
    this.db = new Database(pool);
    this.directory = new DirectoryQueries(this.db);
    this.inbox = new InboxQueries(this.db);
    this.pages = new PageQueries(this.db);
    this.links = new LinkQueries(this.db, this.directory, this.inbox);
    this.hubKey = new HubKeyQueries(this.db);
    this.keyPackages = new KeyPackageQueries(this.db);
    this.conversations = new ConversationQueries(this.db);
    this.log = new LogQueries(this.db, this.inbox);
    this.appends = new AppendQueue((messages) => this.log.appendBatch(messages), isUnavailable);
    this.commits = new CommitQueries(this.db, this.inbox);
    this.proposals = new ProposalQueries(this.db);
    this.cursors = new CursorQueries(this.db);
    this.codes = new VerificationCodeQueries(this.db);
    this.retention = new RetentionQueries(this.db);
    this.blocks = new BlockQueries(this.db);
    this.entryExpiry = new EntryExpiryQueries(this.db);
  }

  /** Counters for tests and metrics: how well appends are being batched. */
  stats(): AppendQueueStats {
    return this.appends.stats();
  }

  /** The pool's sessions' settings, so tests and health checks can see durability holds. */
  async settings(): Promise<PostgresSettings> {
    const [row] = await this.db.read<Record<string, string>>(
      `SELECT current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('statement_timeout') AS statement_timeout,
              current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout,
              current_setting('transaction_isolation') AS transaction_isolation,
              current_setting('search_path') AS search_path`,
    );
    if (row === undefined) throw new Error("current_setting returned no row");
    return {
      synchronousCommit: row["synchronous_commit"] ?? "",
      statementTimeout: row["statement_timeout"] ?? "",
      idleInTransactionSessionTimeout: row["idle_in_transaction_session_timeout"] ?? "",
      transactionIsolation: row["transaction_isolation"] ?? "",
      searchPath: row["search_path"] ?? "",
    };
  }

  // Directory

  createAccount(account: NewAccount, firstDevice: NewDevice): Promise<CreateAccountResult> {
    return this.track(() => this.directory.createAccount(account, firstDevice));
  }

  addDevice(address: string, device: NewDevice, maxDevices: number): Promise<AddDeviceResult> {
    return this.track(() => this.directory.addDevice(address, device, maxDevices));
  }

  revokeDevice(deviceId: string, at: number, proof?: RevocationProof): Promise<boolean> {
    return this.track(() =>
      this.directory.revokeDevice(deviceId, at, proof, (tx, id) => this.inbox.dropAll(tx, id)),
    );
  }

  recordRevocationProof(deviceId: string, proof: RevocationProof): Promise<boolean> {
    return this.track(() => this.directory.recordRevocationProof(deviceId, proof));
  }

  getRevocation(deviceId: string): Promise<RevocationProof | undefined> {
    return this.track(() => this.directory.getRevocation(deviceId));
  }

  moveAccount(address: string, device: NewDevice, at: number): Promise<MoveAccountResult> {
    return this.track(() =>
      this.directory.moveAccount(address, device, at, (tx, id) => this.inbox.dropAll(tx, id)),
    );
  }

  block(blocker: string, blocked: string, at: number): Promise<boolean> {
    return this.track(() => this.blocks.block(blocker, blocked, at));
  }

  unblock(blocker: string, blocked: string): Promise<boolean> {
    return this.track(() => this.blocks.unblock(blocker, blocked));
  }

  hasBlocked(blocker: string, blocked: string): Promise<boolean> {
    return this.track(() => this.blocks.hasBlocked(blocker, blocked));
  }

  sharesConversation(a: string, b: string): Promise<boolean> {
    return this.track(() => this.blocks.sharesConversation(a, b));
  }

  blockedInDirect(conversationId: string, sender: string): Promise<boolean> {
    return this.track(() => this.blocks.blockedInDirect(conversationId, sender));
  }

  listBlocked(blocker: string, afterAddress: string, limit: number): Promise<BlockRecord[]> {
    return this.track(() => this.blocks.list(blocker, afterAddress, limit));
  }

  issueVerificationCode(
    code: NewVerificationCode,
    windowStart: number,
    maxPerWindow: number,
  ): Promise<"issued" | "too_many"> {
    return this.track(() => this.codes.issue(code, windowStart, maxPerWindow));
  }

  attemptVerificationCode(address: string, now: number): Promise<VerificationCodeRecord | undefined> {
    return this.track(() => this.codes.attempt(address, now));
  }

  consumeVerificationCode(id: number): Promise<boolean> {
    return this.track(() => this.codes.consume(id));
  }

  getAccount(address: string): Promise<AccountRecord | undefined> {
    return this.track(() => this.directory.getAccount(address));
  }

  getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    return this.track(() => this.directory.getDevice(deviceId));
  }

  listDevices(
    address: string,
    options?: { includeRevoked?: boolean; page?: PageRequest },
  ): Promise<DeviceRecord[]> {
    const page = options?.page;
    if (page) return this.track(() => this.pages.devices(address, options.includeRevoked ?? false, page));
    return this.track(() => this.directory.listDevices(address, options?.includeRevoked ?? false));
  }

  touchDevice(deviceId: string, at: number): Promise<void> {
    return this.track(() => this.directory.touchDevice(deviceId, at));
  }

  // Linking

  createLink(link: PendingLinkRecord): Promise<"created" | "code_taken"> {
    return this.track(() => this.links.create(link));
  }

  getLink(code: string): Promise<PendingLinkRecord | undefined> {
    return this.track(() => this.links.get(code));
  }

  approveLink(approval: LinkApproval): Promise<LinkApprovalResult> {
    return this.track(() => this.links.approve(approval));
  }

  deleteExpiredLinks(now: number): Promise<void> {
    return this.track(() => this.links.deleteExpired(now));
  }

  hubSigningKey(candidate: HubSigningKey): Promise<HubSigningKey> {
    return this.track(() => this.hubKey.getOrStore(candidate));
  }

  readHubKey(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array | null } | undefined> {
    return this.track(() => this.hubKey.read());
  }

  settleHubKey(publicKey: Uint8Array): Promise<Uint8Array> {
    return this.track(() => this.hubKey.settle(publicKey));
  }

  // Key packages

  addKeyPackages(deviceId: string, oneTime: Uint8Array[], lastResort: Uint8Array | null): Promise<number> {
    return this.track(() => this.keyPackages.add(deviceId, oneTime, lastResort));
  }

  claimKeyPackages(address: string, onlyDevices?: string[]): Promise<ClaimedKeyPackage[]> {
    return this.track(() => this.keyPackages.claim(address, onlyDevices));
  }

  countKeyPackages(deviceId: string): Promise<number> {
    return this.track(() => this.keyPackages.count(deviceId));
  }

  listKeyPackages(deviceId: string): Promise<Uint8Array[]> {
    return this.track(() => this.keyPackages.list(deviceId));
  }

  // Conversations

  createConversation(conversation: NewConversation): Promise<CreateConversationResult> {
    return this.track(() => this.conversations.create(conversation));
  }

  getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.track(() => this.conversations.get(id));
  }

  findDirectConversation(a: string, b: string): Promise<string | undefined> {
    return this.track(() => this.conversations.findDirect(a, b));
  }

  listConversations(deviceId: string, page?: PageRequest): Promise<ConversationView[]> {
    if (page) return this.track(() => this.pages.conversations(deviceId, page));
    return this.track(() => this.conversations.list(deviceId));
  }

  countConversations(address: string): Promise<number> {
    return this.track(() => this.pages.countConversations(address));
  }

  recordGroupAdds(adds: GroupAdd[], forgetBefore: number): Promise<void> {
    return this.track(() => this.pages.recordGroupAdds(adds, forgetBefore));
  }

  countGroupAdds(address: string, since: number): Promise<number> {
    return this.track(() => this.pages.countGroupAdds(address, since));
  }

  getMembership(conversationId: string, deviceId: string): Promise<Membership | undefined> {
    return this.track(() => this.conversations.membership(conversationId, deviceId));
  }

  listMembers(conversationId: string): Promise<string[]> {
    return this.track(() => this.conversations.members(conversationId));
  }

  revokedMembers(conversationId: string): Promise<string[]> {
    return this.track(() => this.conversations.revokedMembers(conversationId));
  }

  // The log

  appendMessage(message: NewMessage): Promise<AppendResult> {
    // The queue refuses after close and is drained by close itself.
    return this.appends.submit(message);
  }

  commit(commit: NewCommit): Promise<CommitResult> {
    return this.track(() => this.commits.apply(commit));
  }

  appendProposal(proposal: NewProposal): Promise<AppendProposalResult> {
    return this.track(() => this.commits.appendProposal(proposal));
  }

  pendingProposals(conversationId: string, epoch: number): Promise<PendingProposal[]> {
    return this.track(() => this.proposals.pending(conversationId, epoch));
  }

  readLog(
    conversationId: string,
    afterSeq: number,
    limit: number,
    maxBytes = NO_BYTE_BUDGET,
  ): Promise<LogEntryRecord[]> {
    return this.track(() => this.log.read(conversationId, afterSeq, limit, maxBytes));
  }

  // Cursors

  advanceCursors(deviceId: string, cursors: CursorUpdate[]): Promise<void> {
    return this.track(() => this.cursors.advanceAll(deviceId, cursors));
  }

  // Inbox

  readInbox(
    deviceId: string,
    afterId: number,
    limit: number,
    maxBytes = NO_BYTE_BUDGET,
  ): Promise<InboxRecord[]> {
    return this.track(() => this.inbox.read(deviceId, afterId, limit, maxBytes));
  }

  ackInbox(deviceId: string, upToId: number): Promise<void> {
    return this.track(() => this.inbox.ack(deviceId, upToId));
  }

  countStoredWelcomes(): Promise<number> {
    return this.track(() => this.inbox.countStoredWelcomes());
  }

  // Retention

  pruneLog(cut: PruneCut, page: PruneLogPage): Promise<PruneLogResult> {
    return this.track(() => this.retention.pruneLog(cut, page));
  }

  pruneInbox(expiredBefore: number, limit: number): Promise<number> {
    return this.track(() => this.inbox.pruneExpired(expiredBefore, limit));
  }

  queuedBytes(deviceId: string): Promise<number> {
    return this.track(() => this.retention.queuedBytes(deviceId));
  }

  setEntryExpiry(conversationId: string, seq: number, expiresAt: number): Promise<void> {
    return this.track(() => this.entryExpiry.set(conversationId, seq, expiresAt));
  }

  pruneExpiredEntries(now: number, limit: number): Promise<number> {
    return this.track(() => this.entryExpiry.prune(now, limit));
  }

  /**
   * The device row is locked FOR NO KEY UPDATE with the check, so a racing
   * revocation cannot slip between; with a quota, it is locked first and the
   * inbox summed under that lock, so two racing items cannot both fit.
   */
  putInbox(item: NewInboxItem): Promise<InboxRecord | undefined> {
    return this.track(() => this.putInboxIn(this.db, item));
  }

  putInboxWithin(item: NewInboxItem, max: number): Promise<InboxRecord | undefined | "quota_exceeded"> {
    return this.track(() =>
      this.db.transaction(async (tx) => {
        const bytes = await this.inbox.lockedBytes(tx, item.deviceId);
        if (bytes === undefined) return undefined;
        if (bytes + item.payload.byteLength > max) return "quota_exceeded" as const;
        return this.putInboxIn(tx, item);
      }),
    );
  }

  private async putInboxIn(sql: Sql, item: NewInboxItem): Promise<InboxRecord | undefined> {
    const { deviceId, kind, payload, senderAddress, senderDeviceId, serverTime } = item;
    const [stored] = await this.inbox.put(
      sql,
      [{ deviceId, kind, conversationId: "", payload, senderAddress, senderDeviceId, serverTime, seq: 0 }],
      true,
    );
    return stored;
  }

  async ping(): Promise<void> {
    await this.track(() => this.db.read("SELECT 1"));
  }

  /** Lets what was issued settle (queued appends are written), then closes the pool. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.appends.close();
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      await this.pool.end();
    })();
    return this.closing;
  }

  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing !== null) return Promise.reject(new Error("store is closed"));
    const promise = operation();
    this.pending.add(promise);
    void promise.then(
      () => this.pending.delete(promise),
      () => this.pending.delete(promise),
    );
    return promise;
  }
}
