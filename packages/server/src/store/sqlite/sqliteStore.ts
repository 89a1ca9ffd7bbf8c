import type Database from "better-sqlite3";
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
  PendingProposal,
  PruneCut,
  PruneLogPage,
  PruneLogResult,
  Membership,
  RevocationProof,
  Store,
  VerificationCodeRecord,
} from "../port.js";
import { appendBatch } from "../algorithms/append.js";
import { AppendQueue } from "../appendQueue.js";
import { applyCommit } from "../algorithms/commit.js";
import { appendProposal } from "../algorithms/proposal.js";
import { runSync } from "../algorithms/step.js";
import { NO_BYTE_BUDGET } from "../pageBudget.js";
import { ConversationQueries } from "./conversations.js";
import { CursorQueries } from "./cursors.js";
import { DirectoryQueries, type AddDeviceResult } from "./directory.js";
import { GroupCommit, type GroupCommitStats } from "./groupCommit.js";
import { HubKeyQueries } from "./hubKey.js";
import { InboxQueries } from "./inbox.js";
import { PageQueries } from "./pages.js";
import { KeyPackageQueries } from "./keyPackages.js";
import { LinkQueries } from "./links.js";
import { LogQueries } from "./log.js";
import { SqliteLogTx } from "./logTx.js";
import { ProposalQueries } from "./proposals.js";
import { VerificationCodeQueries } from "./verificationCodes.js";
import { RetentionQueries } from "./retention.js";
import { BlockQueries } from "./blocks.js";
import type { BlockRecord } from "../blocksPort.js";
import { EntryExpiryQueries } from "./entryExpiry.js";
import type { CheckpointStats, WalCheckpointer } from "./walCheckpointer.js";
import type { WalSync, WalSyncStats } from "./walSync.js";

/** As SQLite reports them: synchronous 2 is FULL. */
export interface SqlitePragmas {
  journalMode: string;
  synchronous: number;
  foreignKeys: number;
  busyTimeout: number;
}

/**
 * The Store port on one better-sqlite3 connection. Reads run synchronously on
 * the connection (a read after an awaited write sees it: the write has
 * committed). Every write goes through GroupCommit, so it resolves only once
 * durable and concurrent writes share one fsync.
 */
export class SqliteStore implements Store {
  private readonly writer: GroupCommit;
  private closing: Promise<void> | undefined;
  private readonly directory: DirectoryQueries;
  private readonly links: LinkQueries;
  private readonly hubKey: HubKeyQueries;
  private readonly keyPackages: KeyPackageQueries;
  private readonly conversations: ConversationQueries;
  private readonly log: LogQueries;
  /** The write primitives the shared append, commit and proposal algorithms run over. */
  private readonly writes: SqliteLogTx;
  /** Appends go in batches (SPEC ST30): each batch is one operation of the group commit. */
  private readonly appends: AppendQueue;
  private readonly proposals: ProposalQueries;
  private readonly cursors: CursorQueries;
  private readonly inbox: InboxQueries;
  private readonly codes: VerificationCodeQueries;
  private readonly retention: RetentionQueries;
  private readonly entryExpiry: EntryExpiryQueries;
  private readonly pages: PageQueries;
  private readonly blocks: BlockQueries;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointer?: WalCheckpointer,
    private readonly wal?: WalSync,
  ) {
    this.writer = new GroupCommit(db, () => checkpointer?.afterCommit(), wal);
    checkpointer?.holdWritesWith((done) => this.writer.holdWhile(done));
    this.directory = new DirectoryQueries(db);
    this.inbox = new InboxQueries(db);
    this.pages = new PageQueries(db);
    this.links = new LinkQueries(db, this.directory, this.inbox);
    this.hubKey = new HubKeyQueries(db);
    this.keyPackages = new KeyPackageQueries(db);
    this.conversations = new ConversationQueries(db);
    this.log = new LogQueries(db);
    this.writes = new SqliteLogTx(db, this.log, this.inbox);
    this.appends = new AppendQueue((batch) =>
      this.writer.submit(() => runSync(appendBatch(this.writes, batch))),
    );
    this.proposals = new ProposalQueries(db);
    this.cursors = new CursorQueries(db);
    this.codes = new VerificationCodeQueries(db);
    this.retention = new RetentionQueries(db);
    this.blocks = new BlockQueries(db);
    this.entryExpiry = new EntryExpiryQueries(db);
  }

  /**
   * A read's answer, once everything committed before it is on disk (SPEC
   * ST60): a read may see a commit whose WAL fsync is still running, and must
   * not hand out what a power cut could take back (a seq another message
   * would then get). Costs nothing while no fsync is pending.
   */
  private shown<T>(value: T): T | Promise<T> {
    const synced = this.writer.synced();
    return synced === undefined ? value : synced.then(() => value);
  }

  /** Counters for tests and metrics: how well writes are being batched. */
  stats(): GroupCommitStats {
    return this.writer.stats();
  }

  /** The WAL checkpointer's counters; undefined for an in-memory store, which has no WAL. */
  checkpoints(): CheckpointStats | undefined {
    return this.checkpointer?.stats();
  }

  /** How many fsyncs covered how many commits; undefined for an in-memory store. */
  walSyncs(): WalSyncStats | undefined {
    return this.wal?.stats();
  }

  /** Run a WAL checkpoint now and wait for it (tests). */
  async checkpointNow(): Promise<CheckpointStats | undefined> {
    return this.checkpointer?.checkpointNow();
  }

  /** The connection's durability settings, so tests and health checks can see they hold. */
  pragmas(): SqlitePragmas {
    return {
      journalMode: this.db.pragma("journal_mode", { simple: true }) as string,
      synchronous: this.db.pragma("synchronous", { simple: true }) as number,
      foreignKeys: this.db.pragma("foreign_keys", { simple: true }) as number,
      busyTimeout: this.db.pragma("busy_timeout", { simple: true }) as number,
    };
  }

  // Directory

  createAccount(account: NewAccount, firstDevice: NewDevice): Promise<CreateAccountResult> {
    return this.writer.submit(() => this.directory.createAccount(account, firstDevice));
  }

  addDevice(address: string, device: NewDevice, maxDevices: number): Promise<AddDeviceResult> {
    return this.writer.submit(() => this.directory.addDevice(address, device, maxDevices));
  }

  revokeDevice(deviceId: string, at: number, proof?: RevocationProof): Promise<boolean> {
    return this.writer.submit(() => {
      if (!this.directory.revokeDevice(deviceId, at, proof)) return false;
      this.inbox.dropAll(deviceId);
      return true;
    });
  }

  recordRevocationProof(deviceId: string, proof: RevocationProof): Promise<boolean> {
    return this.writer.submit(() => this.directory.recordRevocationProof(deviceId, proof));
  }

  async getRevocation(deviceId: string): Promise<RevocationProof | undefined> {
    return this.shown(this.directory.getRevocation(deviceId));
  }

  async getAccount(address: string): Promise<AccountRecord | undefined> {
    return this.shown(this.directory.getAccount(address));
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    return this.shown(this.directory.getDevice(deviceId));
  }

  async listDevices(
    address: string,
    options?: { includeRevoked?: boolean; page?: PageRequest },
  ): Promise<DeviceRecord[]> {
    if (options?.page)
      return this.shown(this.pages.devices(address, options.includeRevoked ?? false, options.page));
    return this.shown(this.directory.listDevices(address, options?.includeRevoked ?? false));
  }

  touchDevice(deviceId: string, at: number): Promise<void> {
    return this.writer.submit(() => this.directory.touchDevice(deviceId, at));
  }

  moveAccount(address: string, device: NewDevice, at: number): Promise<MoveAccountResult> {
    return this.writer.submit(() => {
      const moved = this.directory.moveAccount(address, device, at);
      // [ST28] the old devices' inbox goes as a revocation's does, releasing the Welcomes it named.
      if (moved.kind === "moved") for (const id of moved.revoked) this.inbox.dropAll(id);
      return moved;
    });
  }

  // Blocklists (SPEC PP5)

  block(blocker: string, blocked: string, at: number): Promise<boolean> {
    return this.writer.submit(() => this.blocks.block(blocker, blocked, at));
  }

  unblock(blocker: string, blocked: string): Promise<boolean> {
    return this.writer.submit(() => this.blocks.unblock(blocker, blocked));
  }

  async hasBlocked(blocker: string, blocked: string): Promise<boolean> {
    return this.shown(this.blocks.hasBlocked(blocker, blocked));
  }

  async sharesConversation(a: string, b: string): Promise<boolean> {
    return this.shown(this.blocks.sharesConversation(a, b));
  }

  async blockedInDirect(conversationId: string, sender: string): Promise<boolean> {
    return this.shown(this.blocks.blockedInDirect(conversationId, sender));
  }

  async listBlocked(blocker: string, afterAddress: string, limit: number): Promise<BlockRecord[]> {
    return this.shown(this.blocks.list(blocker, afterAddress, limit));
  }

  // Verification codes

  issueVerificationCode(
    code: NewVerificationCode,
    windowStart: number,
    maxPerWindow: number,
  ): Promise<"issued" | "too_many"> {
    return this.writer.submit(() => this.codes.issue(code, windowStart, maxPerWindow));
  }

  attemptVerificationCode(address: string, now: number): Promise<VerificationCodeRecord | undefined> {
    return this.writer.submit(() => this.codes.attempt(address, now));
  }

  consumeVerificationCode(id: number): Promise<boolean> {
    return this.writer.submit(() => this.codes.consumeCode(id));
  }

  // Linking

  createLink(link: PendingLinkRecord): Promise<"created" | "code_taken"> {
    return this.writer.submit(() => this.links.create(link));
  }

  async getLink(code: string): Promise<PendingLinkRecord | undefined> {
    return this.shown(this.links.get(code));
  }

  approveLink(approval: LinkApproval): Promise<LinkApprovalResult> {
    return this.writer.submit(() => this.links.approve(approval));
  }

  deleteExpiredLinks(now: number): Promise<void> {
    return this.writer.submit(() => this.links.deleteExpired(now));
  }

  /** A write: the first caller's candidate is stored. */
  hubSigningKey(candidate: HubSigningKey): Promise<HubSigningKey> {
    return this.writer.submit(() => this.hubKey.getOrStore(candidate));
  }

  async readHubKey(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array | null } | undefined> {
    return this.shown(this.hubKey.read());
  }

  /** secure_delete for this write: the private key's old bytes are zeroed in the page, not left free. */
  async settleHubKey(publicKey: Uint8Array): Promise<Uint8Array> {
    this.db.pragma("secure_delete = ON");
    try {
      return await this.writer.submit(() => this.hubKey.settle(publicKey));
    } finally {
      this.db.pragma("secure_delete = OFF");
    }
  }

  // Key packages

  addKeyPackages(deviceId: string, oneTime: Uint8Array[], lastResort: Uint8Array | null): Promise<number> {
    return this.writer.submit(() => this.keyPackages.add(deviceId, oneTime, lastResort));
  }

  /** A write: claiming deletes one-time packages. */
  claimKeyPackages(address: string, onlyDevices?: string[]): Promise<ClaimedKeyPackage[]> {
    return this.writer.submit(() => this.keyPackages.claim(address, onlyDevices));
  }

  async countKeyPackages(deviceId: string): Promise<number> {
    return this.shown(this.keyPackages.count(deviceId));
  }

  async listKeyPackages(deviceId: string): Promise<Uint8Array[]> {
    return this.shown(this.keyPackages.list(deviceId));
  }

  // Conversations

  createConversation(conversation: NewConversation): Promise<CreateConversationResult> {
    return this.writer.submit(() => this.conversations.create(conversation));
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.shown(this.conversations.get(id));
  }

  async findDirectConversation(a: string, b: string): Promise<string | undefined> {
    return this.shown(this.conversations.findDirect(a, b));
  }

  async listConversations(deviceId: string, page?: PageRequest): Promise<ConversationView[]> {
    return this.shown(page ? this.pages.conversations(deviceId, page) : this.conversations.list(deviceId));
  }

  async countConversations(address: string): Promise<number> {
    return this.shown(this.pages.countConversations(address));
  }

  recordGroupAdds(adds: GroupAdd[], forgetBefore: number): Promise<void> {
    return this.writer.submit(() => this.pages.recordGroupAdds(adds, forgetBefore));
  }

  async countGroupAdds(address: string, since: number): Promise<number> {
    return this.shown(this.pages.countGroupAdds(address, since));
  }

  async getMembership(conversationId: string, deviceId: string): Promise<Membership | undefined> {
    return this.shown(this.conversations.membership(conversationId, deviceId));
  }

  async listMembers(conversationId: string): Promise<string[]> {
    return this.shown(this.conversations.members(conversationId));
  }

  async revokedMembers(conversationId: string): Promise<string[]> {
    return this.shown(this.conversations.revokedMembers(conversationId));
  }

  // The log

  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.appends.submit(message);
  }

  commit(commit: NewCommit): Promise<CommitResult> {
    return this.writer.submit(() => runSync(applyCommit(this.writes, commit)));
  }

  appendProposal(proposal: NewProposal): Promise<AppendProposalResult> {
    return this.writer.submit(() => runSync(appendProposal(this.writes, proposal)));
  }

  async pendingProposals(conversationId: string, epoch: number): Promise<PendingProposal[]> {
    return this.shown(this.proposals.pending(conversationId, epoch));
  }

  async readLog(
    conversationId: string,
    afterSeq: number,
    limit: number,
    maxBytes = NO_BYTE_BUDGET,
  ): Promise<LogEntryRecord[]> {
    return this.shown(this.log.read(conversationId, afterSeq, limit, maxBytes));
  }

  // Cursors

  advanceCursors(deviceId: string, cursors: CursorUpdate[]): Promise<void> {
    return this.writer.submit(() => this.cursors.advanceAll(deviceId, cursors));
  }

  // Inbox

  async readInbox(
    deviceId: string,
    afterId: number,
    limit: number,
    maxBytes = NO_BYTE_BUDGET,
  ): Promise<InboxRecord[]> {
    return this.shown(this.inbox.read(deviceId, afterId, limit, maxBytes));
  }

  ackInbox(deviceId: string, upToId: number): Promise<void> {
    return this.writer.submit(() => this.inbox.ack(deviceId, upToId));
  }

  async countStoredWelcomes(): Promise<number> {
    return this.shown(this.inbox.countStoredWelcomes());
  }

  /** The device check and the insert share one transaction, so a racing revocation cannot slip between. */
  putInbox(item: NewInboxItem): Promise<InboxRecord | undefined> {
    return this.writer.submit(() => this.putActive(item));
  }

  putInboxWithin(item: NewInboxItem, maxBytes: number): Promise<InboxRecord | undefined | "quota_exceeded"> {
    return this.writer.submit(() => {
      if (this.inbox.bytes(item.deviceId) + item.payload.byteLength > maxBytes) return "quota_exceeded";
      return this.putActive(item);
    });
  }

  private putActive(item: NewInboxItem): InboxRecord | undefined {
    if (!this.directory.isActive(item.deviceId)) return undefined;
    return this.inbox.put({
      deviceId: item.deviceId,
      kind: item.kind,
      conversationId: "",
      payload: item.payload,
      senderAddress: item.senderAddress,
      senderDeviceId: item.senderDeviceId,
      serverTime: item.serverTime,
      seq: 0,
    });
  }

  // Retention

  async pruneLog(cut: PruneCut, page: PruneLogPage): Promise<PruneLogResult> {
    const { forgotten, ...result } = await this.writer.submit(() => this.retention.pruneLog(cut, page));
    // [ST65] Only now that the deletes are committed.
    this.log.forget(forgotten);
    return result;
  }

  pruneInbox(expiredBefore: number, limit: number): Promise<number> {
    return this.writer.submit(() => this.inbox.pruneExpired(expiredBefore, limit));
  }

  setEntryExpiry(conversationId: string, seq: number, expiresAt: number): Promise<void> {
    return this.writer.submit(() => this.entryExpiry.set(conversationId, seq, expiresAt));
  }

  /** secure_delete for this write (SPEC XP7): the expired ciphertext is zeroed in its page. */
  async pruneExpiredEntries(now: number, limit: number): Promise<number> {
    this.db.pragma("secure_delete = ON");
    try {
      const forgotten = await this.writer.submit(() => this.entryExpiry.prune(now, limit));
      // [ST65] Only now that the deletes are committed.
      this.log.forget(forgotten);
      return forgotten.length;
    } finally {
      this.db.pragma("secure_delete = OFF");
    }
  }

  async queuedBytes(deviceId: string): Promise<number> {
    return this.shown(this.log.queuedBytes(deviceId));
  }

  async ping(): Promise<void> {
    if (this.closing !== undefined || !this.db.open) throw new Error("store is closed");
    this.db.prepare("SELECT 1").get();
  }

  /** Writes what is queued, then closes the connection (checkpointing the WAL). */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (!this.db.open) return;
    await this.appends.close();
    this.writer.close();
    await this.checkpointer?.close();
    this.db.close();
  }
}
