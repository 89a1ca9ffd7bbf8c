import type Database from "better-sqlite3";
import type {
  AccountRecord,
  AppendResult,
  ClaimedKeyPackage,
  CommitResult,
  ConversationRecord,
  ConversationView,
  CreateAccountResult,
  CreateConversationResult,
  CursorUpdate,
  DeviceRecord,
  InboxRecord,
  LogEntryRecord,
  NewAccount,
  NewCommit,
  NewConversation,
  NewDevice,
  NewMessage,
  Store,
} from "../port.js";
import { CommitQueries } from "./commit.js";
import { ConversationQueries } from "./conversations.js";
import { CursorQueries } from "./cursors.js";
import { DirectoryQueries, type AddDeviceResult } from "./directory.js";
import { GroupCommit, type GroupCommitStats } from "./groupCommit.js";
import { InboxQueries } from "./inbox.js";
import { KeyPackageQueries } from "./keyPackages.js";
import { LogQueries } from "./log.js";

/**
 * Linking and revoking devices (DESIGN: Device). Not in port.ts yet; the
 * contract suite uses these when an adapter has them.
 */
export interface DeviceLifecycle {
  addDevice(address: string, device: NewDevice): Promise<AddDeviceResult>;
  revokeDevice(deviceId: string, at: number): Promise<boolean>;
}

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
export class SqliteStore implements Store, DeviceLifecycle {
  private readonly writer: GroupCommit;
  private readonly directory: DirectoryQueries;
  private readonly keyPackages: KeyPackageQueries;
  private readonly conversations: ConversationQueries;
  private readonly log: LogQueries;
  private readonly commits: CommitQueries;
  private readonly cursors: CursorQueries;
  private readonly inbox: InboxQueries;

  constructor(private readonly db: Database.Database) {
    this.writer = new GroupCommit(db);
    this.directory = new DirectoryQueries(db);
    this.keyPackages = new KeyPackageQueries(db);
    this.conversations = new ConversationQueries(db);
    this.log = new LogQueries(db);
    this.commits = new CommitQueries(db, this.log);
    this.cursors = new CursorQueries(db);
    this.inbox = new InboxQueries(db);
  }

  /** Counters for tests and metrics: how well writes are being batched. */
  stats(): GroupCommitStats {
    return this.writer.stats();
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

  addDevice(address: string, device: NewDevice): Promise<AddDeviceResult> {
    return this.writer.submit(() => this.directory.addDevice(address, device));
  }

  revokeDevice(deviceId: string, at: number): Promise<boolean> {
    return this.writer.submit(() => this.directory.revokeDevice(deviceId, at));
  }

  async getAccount(address: string): Promise<AccountRecord | undefined> {
    return this.directory.getAccount(address);
  }

  async getDevice(deviceId: string): Promise<DeviceRecord | undefined> {
    return this.directory.getDevice(deviceId);
  }

  async listDevices(address: string): Promise<DeviceRecord[]> {
    return this.directory.listDevices(address);
  }

  touchDevice(deviceId: string, at: number): Promise<void> {
    return this.writer.submit(() => this.directory.touchDevice(deviceId, at));
  }

  // Key packages

  addKeyPackages(deviceId: string, oneTime: Uint8Array[], lastResort: Uint8Array | null): Promise<number> {
    return this.writer.submit(() => this.keyPackages.add(deviceId, oneTime, lastResort));
  }

  /** A write: claiming deletes one-time packages. */
  claimKeyPackages(address: string): Promise<ClaimedKeyPackage[]> {
    return this.writer.submit(() => this.keyPackages.claim(address));
  }

  async countKeyPackages(deviceId: string): Promise<number> {
    return this.keyPackages.count(deviceId);
  }

  // Conversations

  createConversation(conversation: NewConversation): Promise<CreateConversationResult> {
    return this.writer.submit(() => this.conversations.create(conversation));
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.conversations.get(id);
  }

  async findDirectConversation(a: string, b: string): Promise<string | undefined> {
    return this.conversations.findDirect(a, b);
  }

  async listConversations(deviceId: string): Promise<ConversationView[]> {
    return this.conversations.list(deviceId);
  }

  async getMembership(conversationId: string, deviceId: string): Promise<{ joinedSeq: number } | undefined> {
    return this.conversations.membership(conversationId, deviceId);
  }

  async listMembers(conversationId: string): Promise<string[]> {
    return this.conversations.members(conversationId);
  }

  // The log

  appendMessage(message: NewMessage): Promise<AppendResult> {
    return this.writer.submit(() => this.log.append(message));
  }

  commit(commit: NewCommit): Promise<CommitResult> {
    return this.writer.submit(() => this.commits.apply(commit));
  }

  async readLog(conversationId: string, afterSeq: number, limit: number): Promise<LogEntryRecord[]> {
    return this.log.read(conversationId, afterSeq, limit);
  }

  // Cursors

  advanceCursors(deviceId: string, cursors: CursorUpdate[]): Promise<void> {
    return this.writer.submit(() => this.cursors.advanceAll(deviceId, cursors));
  }

  // Inbox

  async readInbox(deviceId: string, afterId: number, limit: number): Promise<InboxRecord[]> {
    return this.inbox.read(deviceId, afterId, limit);
  }

  ackInbox(deviceId: string, upToId: number): Promise<void> {
    return this.writer.submit(() => this.inbox.ack(deviceId, upToId));
  }

  /** Writes what is queued, then closes the connection (checkpointing the WAL). */
  async close(): Promise<void> {
    if (!this.db.open) return;
    this.writer.close();
    this.db.close();
  }
}
