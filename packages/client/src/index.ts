export {
  SwitchboardClient,
  type AccountDevice,
  type ClientEvents,
  type ClientOptions,
  type LinkedDevice,
  type PendingDeviceLink,
} from "./client.js";
export { DeviceTrust } from "./devices/trust.js";
export type { ApprovedDevice } from "./devices/linking.js";
export type { HistoryChoice } from "./devices/history.js";
export type { DeviceChange } from "./devices/changes.js";
export { ClientError, ProtocolError, type ClientErrorCode, type ErrorCode } from "./errors.js";
export { RateLimitedError } from "./errors.js";
export type { GroupEngine, DeviceIdentity, GroupMember } from "./mls/engine.js";
export type {
  LocalStore,
  LocalConversation,
  LocalMessage,
  LocalReaction,
  StoredIdentity,
} from "./store/port.js";
export type { RecentListing } from "./store/recentPort.js";
export type { StoredGroupState, GroupStateDelta } from "./store/groupStateParts.js";
export type { SentChange } from "./conversations/messaging.js";
export type { ContentNotice } from "./conversations/incomingContent.js";
export type { GroupEvent } from "./conversations/groups/events.js";
export type { Groups } from "./conversations/groups/groups.js";
export type { Quote } from "./content/rules.js";
export type { Transport } from "./transport/port.js";
export { backoffDelay, DEFAULT_BACKOFF } from "./session/backoff.js";
export { createMemoryStore } from "./store/memory.js";
export { LocalStoreError } from "./store/errors.js";
export type { RpcTimings } from "./session/rpc.js";
export type {
  AttachmentPlatform,
  AttachmentRef,
  Attachments,
  UploadOptions,
  UploadState,
  UploadedAttachment,
} from "./media/attachments.js";
export type { AttachmentCrypto } from "./media/streamCipher.js";
export type { FileToSend, Files, SendFileOptions, SentFile } from "./media/files.js";
export type { FileAttachment } from "./content/filePart.js";
export { webAttachmentPlatform } from "./media/webAttachmentCrypto.js";
export type {
  ConversationStatus,
  MemberStatus,
  MessageStatusView,
  PresenceEvent,
  ReceiptEvent,
  StatusEvents,
  TypingEvent,
} from "./status/conversationStatus.js";
export type { BlockedAccount, MessageRequest, People } from "./people/people.js";
export { parseTimer, timerName, TIMER_CHOICES, type TimerName } from "./expiry/timer.js";
export type { Disappearing, TimerChange } from "./expiry/disappearing.js";
