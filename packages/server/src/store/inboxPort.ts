/**
 * The inbox's part of the Store port: what is addressed to one device outside
 * any conversation's log (Welcomes, link envelopes, device messages). The
 * whole port, and the rules every method keeps, are in `port.ts`.
 */
/** "welcome": an MLS Welcome; "link": a new device's sealed link envelope; "device_message": sealed bytes from another device of the same account. */
export type InboxKind = "welcome" | "link" | "device_message";

export interface InboxRecord {
  /** Increasing per store; a device reads its items in id order. */
  id: number;
  deviceId: string;
  kind: InboxKind;
  conversationId: string;
  payload: Uint8Array;
  senderAddress: string;
  serverTime: number;
  /** For a welcome: the seq of the commit that added the device; 0 otherwise. */
  seq: number;
  /** The device that caused the item (the committer, the approver, the sender). */
  senderDeviceId: string;
}

export interface NewInboxItem {
  deviceId: string;
  kind: "device_message";
  payload: Uint8Array;
  senderAddress: string;
  senderDeviceId: string;
  serverTime: number;
}

export interface InboxStore {
  /**
   * Inbox items with id > afterId, in id order, at most `limit`, bounded by
   * `maxBytes` as readLog is (an item naming a stored Welcome counts its bytes).
   */
  readInbox(deviceId: string, afterId: number, limit: number, maxBytes?: number): Promise<InboxRecord[]>;
  /**
   * Delete the device's inbox items with id <= upToId. A stored Welcome goes
   * with the last item that refers to it (SPEC ST28); so it does when a
   * revocation drops a device's items.
   */
  ackInbox(deviceId: string, upToId: number): Promise<void>;
  /** Put an item in an active device's inbox (undefined when the device is unknown or revoked). */
  putInbox(item: NewInboxItem): Promise<InboxRecord | undefined>;
  /**
   * putInbox, unless the device's inbox would then hold more than `maxBytes`
   * (SPEC DS13): then "quota_exceeded", and nothing is stored.
   */
  putInboxWithin(item: NewInboxItem, maxBytes: number): Promise<InboxRecord | undefined | "quota_exceeded">;
}
