/**
 * Local routing: which of this node's connections receive which pushes. A
 * node subscribes on the Bus only for conversations its connected devices are
 * members of, and for those devices' own topics; it decodes a conversation
 * push once and writes the same bytes to every local member's sockets. A
 * connection that began linking a new device is routed as that device before
 * it can log in, so the approval reaches it.
 */
import { decodeServerFrame, type LogEntry, type Push } from "@switchboard/protocol";
import { BusFlag, unwrapFromBus } from "../bus/envelope.js";
import type { Bus } from "../bus/port.js";
import { conversationTopic, deviceTopic } from "../bus/port.js";

export interface RoutedConnection {
  readonly deviceId: string;
  push(bytes: Uint8Array): void;
  /** The device was revoked: stop serving it and close (SPEC DIR7). */
  revoke(): void;
}

export class LocalRouter {
  private readonly connections = new Map<string, Set<RoutedConnection>>();
  /** Conversation -> its member devices connected here; the Bus subscription lives while it is not empty. */
  private readonly localMembers = new Map<string, Set<string>>();
  /** Device -> the conversations it is routed for (the reverse of localMembers), so detaching is not a scan. */
  private readonly routedConversations = new Map<string, Set<string>>();
  private readonly subscriptions = new Map<string, () => void>();

  constructor(private readonly bus: Bus) {}

  /** One frame to every connection on this node. */
  pushToAll(bytes: Uint8Array): void {
    for (const set of this.connections.values()) for (const connection of set) connection.push(bytes);
  }

  /**
   * Route a connection: its device topic and every conversation it is a
   * member of (none yet for a device being linked). Attaching again, when
   * the linking connection logs in, adds what is new.
   */
  attach(connection: RoutedConnection, conversationIds: string[]): void {
    const { deviceId } = connection;
    let set = this.connections.get(deviceId);
    if (!set) {
      set = new Set();
      this.connections.set(deviceId, set);
      this.subscribe(deviceTopic(deviceId), (bytes) => this.onDevicePush(deviceId, bytes));
    }
    set.add(connection);
    for (const id of conversationIds) this.join(id, deviceId);
  }

  /** Stop routing to a connection; `deviceId` when it was attached under another id than its current one. */
  detach(connection: RoutedConnection, deviceId: string = connection.deviceId): void {
    const set = this.connections.get(deviceId);
    if (!set?.delete(connection) || set.size > 0) return;
    this.connections.delete(deviceId);
    this.unsubscribe(deviceTopic(deviceId));
    for (const conversationId of [...(this.routedConversations.get(deviceId) ?? [])]) {
      this.removeMember(conversationId, deviceId);
    }
  }

  /** Number of devices with at least one connection here. */
  get deviceCount(): number {
    return this.connections.size;
  }

  /**
   * Route a conversation's entries to a device connected here. A device with
   * no connection here (its socket closed while the request that made it a
   * member was in flight) is ignored: nothing would ever detach it, and the
   * node would keep its Bus subscription for good.
   */
  join(conversationId: string, deviceId: string): void {
    if (!this.connections.has(deviceId)) return;
    let members = this.localMembers.get(conversationId);
    if (!members) {
      members = new Set();
      this.localMembers.set(conversationId, members);
      this.subscribe(conversationTopic(conversationId), (bytes) =>
        this.onConversationPush(conversationId, bytes),
      );
    }
    members.add(deviceId);
    let routed = this.routedConversations.get(deviceId);
    if (!routed) {
      routed = new Set();
      this.routedConversations.set(deviceId, routed);
    }
    routed.add(conversationId);
  }

  /** Stop routing a conversation to a device; the last local member leaving ends the subscription. */
  private removeMember(conversationId: string, deviceId: string): void {
    const routed = this.routedConversations.get(deviceId);
    if (routed?.delete(conversationId) && routed.size === 0) this.routedConversations.delete(deviceId);
    const members = this.localMembers.get(conversationId);
    if (!members?.delete(deviceId) || members.size > 0) return;
    this.localMembers.delete(conversationId);
    this.unsubscribe(conversationTopic(conversationId));
  }

  private onConversationPush(conversationId: string, message: Uint8Array): void {
    const members = this.localMembers.get(conversationId);
    if (!members) return;
    const { flag, frame, exceptDeviceId } = unwrapFromBus(message);
    // A commit adds and removes members: removed devices still get the commit
    // that removed them, added ones hear of the conversation through their
    // Welcome (device topic) and catch up from there. An application entry
    // skips its sender (SPEC DS4: the ack gave it the seq).
    for (const deviceId of [...members]) if (deviceId !== exceptDeviceId) this.send(deviceId, frame);
    if (flag !== BusFlag.Membership) return;
    const membership = entryOf(frame)?.membership;
    if (!membership) return;
    // Added first, so a commit that replaces the local members keeps the
    // subscription (no window without one); a device both removed and added
    // (a new leaf for it) stays a member.
    const added = new Set(membership.addedDevices);
    for (const deviceId of added) this.join(conversationId, deviceId);
    for (const deviceId of membership.removedDevices) {
      if (!added.has(deviceId)) this.removeMember(conversationId, deviceId);
    }
  }

  private onDevicePush(deviceId: string, message: Uint8Array): void {
    const { flag, frame } = unwrapFromBus(message);
    if (flag === BusFlag.Revoked) {
      for (const connection of [...(this.connections.get(deviceId) ?? [])]) connection.revoke();
      return;
    }
    if (flag === BusFlag.Joins) {
      const push = pushOf(frame);
      if (push?.body.case === "inbox" && push.body.value.conversationId !== "") {
        this.join(push.body.value.conversationId, deviceId);
      }
    }
    this.send(deviceId, frame);
  }

  private send(deviceId: string, bytes: Uint8Array): void {
    const set = this.connections.get(deviceId);
    if (!set) return;
    for (const connection of set) connection.push(bytes);
  }

  private subscribe(topic: string, handler: (bytes: Uint8Array) => void): void {
    if (this.subscriptions.has(topic)) return;
    this.subscriptions.set(topic, this.bus.subscribe(topic, handler));
  }

  private unsubscribe(topic: string): void {
    this.subscriptions.get(topic)?.();
    this.subscriptions.delete(topic);
  }
}

function pushOf(frame: Uint8Array): Push | undefined {
  const decoded = decodeServerFrame(frame);
  return decoded.ok && decoded.value.body.case === "push" ? decoded.value.body.value : undefined;
}

function entryOf(frame: Uint8Array): LogEntry | undefined {
  const push = pushOf(frame);
  return push?.body.case === "entry" ? push.body.value : undefined;
}
