/**
 * The types of SwitchboardClient's public surface: its options, its events,
 * and what its device operations return. Kept apart so client.ts holds only
 * the facade's behaviour.
 */
import type { AttachmentPlatform } from "./media/attachments.js";
import type { ContentNotice } from "./conversations/incomingContent.js";
import type { DeviceChange } from "./devices/changes.js";
import type { TimerChange } from "./expiry/disappearing.js";
import type { HistoryChoice } from "./devices/history.js";
import type { LinkRequest } from "./devices/linking.js";
import type { DeviceTrust } from "./devices/trust.js";
import type { GroupEngine } from "./mls/engine.js";
import type { LinkState } from "./session/link.js";
import type { RpcTimings } from "./session/rpc.js";
import type { LocalConversation, LocalMessage, LocalStore, StoredIdentity } from "./store/port.js";
import type { Transport } from "./transport/port.js";

export interface ClientOptions {
  store: LocalStore;
  engine: GroupEngine;
  /** Makes a transport to a server URL. */
  transport: (server: string) => Transport;
  clock?: () => number;
  /** Randomness for reconnect jitter and for which of several hubs to try first (tests pin it). */
  random?: () => number;
  /**
   * How long a request may go unanswered before the connection is taken as
   * dead and the SDK moves on (default 15 s), and after how long without a
   * frame it pings the hub to find out (default 25 s).
   */
  timings?: RpcTimings;
  /**
   * The approval-chain check the engine was built with (createTsMlsEngine's
   * verifyMember: trust.verify), so that no device the hub slipped into an
   * account is ever accepted into a group. Without it the SDK still checks
   * the devices it adds itself.
   */
  trust?: DeviceTrust;
  /** How the SDK waits out a hub's retry-after (default: a timer; tests pass their own). */
  wait?: (ms: number) => Promise<void>;
  /**
   * Applied to the identity whenever the client takes it up (open, register,
   * link), before any use: the browser entry swaps the signing seed for a
   * handle to a non-extractable key (identity/signer.ts). Node keeps the seed.
   */
  protectIdentity?: (identity: StoredIdentity) => Promise<StoredIdentity>;
  /** Attachments' crypto and streams (Node or browser); without it `attachments` is unavailable. */
  attachmentPlatform?: AttachmentPlatform;
  /**
   * Hub URLs (comma-separated) to use instead of those stored with the
   * identity, for this client only (SPEC CL1: the CLI's --server and
   * SWITCHBOARD_SERVER win over the profile's list).
   */
  servers?: string;
  /**
   * Give up a wait for the hub after this long with HUB_UNREACHABLE (SPEC
   * CL2); unset, calls wait through reconnects for as long as it takes.
   */
  connectTimeoutMs?: number;
}

/** One of this account's devices, as `devices()` lists them. */
export interface AccountDevice {
  id: string;
  name: string;
  createdAt: number;
  lastSeenAt: number;
  /** This device. */
  current: boolean;
  /** The device that approved it ("" for the account's first). */
  approvedBy: string;
}

/** A device waiting for approval (`beginLink`). */
export interface PendingDeviceLink extends LinkRequest {
  /** Resolves once another device of the account approved this one and it has logged in. */
  approved: Promise<LinkedDevice>;
  cancel(): void;
}

export interface LinkedDevice {
  identity: StoredIdentity;
  /** The history the approving device said it will send (arriving as a `history` event). */
  history: HistoryChoice;
}

import type { GroupEvent } from "./conversations/groups/events.js";

export interface ClientEvents extends Record<string, unknown> {
  message: LocalMessage;
  /** Someone's reaction to a message changed (emoji null: taken away) (SPEC CT5). */
  reaction: Extract<ContentNotice, { kind: "reaction" }>;
  /** Its sender edited a message; `message` is the edited one (SPEC CT6). */
  edit: Extract<ContentNotice, { kind: "edit" }>;
  /** Its sender deleted a message for everyone; its text is gone (SPEC CT7). */
  delete: Extract<ContentNotice, { kind: "delete" }>;
  conversation: LocalConversation;
  connection: { state: LinkState; detail?: string };
  /** A contact's (or this account's) set of devices changed in a conversation: the safety number changes. */
  devices: DeviceChange & { conversationId: string };
  /**
   * [DIR15] A contact moved their account to a new phone (every old device
   * revoked, a new first device): the SDK now trusts the new device, and the
   * safety number with them changed. An app says so, as Signal does.
   */
  accountMoved: { address: string };
  /** A history bundle from the approving device was stored (a newly linked device). */
  history: { conversations: number; messages: number };
  error: { error: unknown; context: string };
  /**
   * [DS12] The hub no longer had entries this device had not read (it was
   * offline past the retention limit): it rejoined the conversation, and what
   * was said before `firstSeq` is lost to it; it reads new messages again.
   */
  historyExpired: { conversationId: string; firstSeq: number; rejoinedAtSeq: number };
  /** [XP3] A conversation's disappearing-message timer changed (by this device or another member). */
  timer: TimerChange;
  /** [XP5] A message expired and was deleted from this device. */
  expired: LocalMessage;
  /** [EG4] The hub rate-limited a send: the SDK waits `retryAfterMs` and tries again. */
  rateLimited: { conversationId: string; retryAfterMs: number };
  /** Membership you can see (SPEC GR4): adds, removals, leaves, renames, admins, the timer. */
  group: GroupEvent;
}
