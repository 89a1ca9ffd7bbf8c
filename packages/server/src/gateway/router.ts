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
  private readonly localMembers = new Map<string, Set<string>>();
  private readonly subscriptions = new Map<string, () => void>();

  constructor(private readonly bus: Bus) {}

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
    for (const id of conversationIds) this.join(id, deviceId);
    set.add(connection);
  }

  /** Stop routing to a connection; `deviceId` when it was attached under another id than its current one. */
  detach(connection: RoutedConnection, deviceId: string = connection.deviceId): void {
    const set = this.connections.get(deviceId);
    if (!set?.delete(connection) || set.size > 0) return;
    this.connections.delete(deviceId);
    this.unsubscribe(deviceTopic(deviceId));
    for (const [conversationId, members] of this.localMembers) {
      if (members.delete(deviceId) && members.size === 0) this.leaveConversation(conversationId);
    }
  }

  /** Number of devices with at least one connection here. */
  get deviceCount(): number {
    return this.connections.size;
  }

  /** Route a conversation's entries to a device connected here. */
  join(conversationId: string, deviceId: string): void {
    let members = this.localMembers.get(conversationId);
    if (!members) {
      members = new Set();
      this.localMembers.set(conversationId, members);
      this.subscribe(conversationTopic(conversationId), (bytes) =>
        this.onConversationPush(conversationId, bytes),
      );
    }
    members.add(deviceId);
  }

  private leaveConversation(conversationId: string): void {
    this.localMembers.delete(conversationId);
    this.unsubscribe(conversationTopic(conversationId));
  }

  private onConversationPush(conversationId: string, message: Uint8Array): void {
    const members = this.localMembers.get(conversationId);
    if (!members) return;
    const { flag, frame } = unwrapFromBus(message);
    // A commit adds and removes members: removed devices still get the commit
    // that removed them, added ones hear of the conversation through their
    // Welcome (device topic) and catch up from there.
    for (const deviceId of [...members]) this.send(deviceId, frame);
    if (flag !== BusFlag.Membership) return;
    const membership = entryOf(frame)?.membership;
    if (!membership) return;
    for (const removed of membership.removedDevices) members.delete(removed);
    for (const added of membership.addedDevices) if (this.connections.has(added)) members.add(added);
    if (members.size === 0) this.leaveConversation(conversationId);
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
