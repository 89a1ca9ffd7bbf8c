/**
 * Announces durable changes on the Bus so the nodes holding the recipients'
 * connections push them at once. Frames are encoded once here and the same
 * bytes go to every recipient socket (one write, many deliveries).
 */
import {
  create,
  encodeEntryPush,
  encodeServerFrame,
  EntryKind,
  ServerFrameSchema,
} from "@switchboard/protocol";
import { BusFlag, exceptSenderHeaderSize, wrapForBus, writeExceptSenderHeader } from "../bus/envelope.js";
import type { Bus } from "../bus/port.js";
import { conversationTopic, deviceTopic } from "../bus/port.js";
import type { InboxRecord, LogEntryRecord } from "../store/port.js";
import { toWireEntry, toWireInboxItem } from "../gateway/wireMapping.js";

export interface Announcer {
  entry(entry: LogEntryRecord): void;
  inbox(item: InboxRecord): void;
  /** Tell a device it is running low on one-time key packages. */
  keyPackagesLow(deviceId: string, remaining: number): void;
  /** Tell every node to close the device's connections: it was revoked. */
  deviceRevoked(deviceId: string): void;
  /** Tell the devices behind a topic (a conversation's members, or one device) to sync: a push to them was lost. */
  syncHint(topic: string): void;
}

const allocPooled = (size: number): Uint8Array => Buffer.allocUnsafe(size);

/** "Sync now" (Push.sync_hint), encoded once. */
export const SYNC_HINT_FRAME = encodeServerFrame(
  create(ServerFrameSchema, { body: { case: "push", value: { body: { case: "syncHint", value: {} } } } }),
);

export function createBusAnnouncer(bus: Bus, onError: (err: unknown) => void): Announcer {
  const publish = (topic: string, bytes: Uint8Array) => {
    // The entry is already durable: a lost push is recovered by the next sync.
    bus.publish(topic, bytes).catch(onError);
  };
  return {
    entry(entry) {
      if (entry.kind === "application" && !entry.membership) {
        // The hot path: a hand-written encoder (protocol/src/hotFrames.ts).
        // Not pushed back to the sending device (SPEC DS4): its ack carried
        // the seq, and the same bytes again would only cost its data plan.
        // Encoded after room for the Bus envelope, into Node's buffer pool:
        // one buffer and one copy of the payload per message.
        const headroom = exceptSenderHeaderSize(entry.senderDeviceId);
        const message = encodeEntryPush(
          {
            conversationId: entry.conversationId,
            seq: entry.seq,
            kind: EntryKind.APPLICATION,
            senderDeviceId: entry.senderDeviceId,
            senderAddress: entry.senderAddress,
            payload: entry.payload,
            epoch: entry.epoch,
            serverTime: entry.serverTime,
          },
          { headroom, alloc: allocPooled },
        );
        writeExceptSenderHeader(message, entry.senderDeviceId);
        publish(conversationTopic(entry.conversationId), message);
        return;
      }
      const frame = create(ServerFrameSchema, {
        body: { case: "push", value: { body: { case: "entry", value: toWireEntry(entry) } } },
      });
      const flag = entry.membership ? BusFlag.Membership : BusFlag.Forward;
      publish(conversationTopic(entry.conversationId), wrapForBus(flag, encodeServerFrame(frame)));
    },
    inbox(item) {
      const frame = create(ServerFrameSchema, {
        body: { case: "push", value: { body: { case: "inbox", value: toWireInboxItem(item) } } },
      });
      publish(deviceTopic(item.deviceId), wrapForBus(BusFlag.Joins, encodeServerFrame(frame)));
    },
    keyPackagesLow(deviceId, remaining) {
      const frame = create(ServerFrameSchema, {
        body: { case: "push", value: { body: { case: "keyPackagesLow", value: { remaining } } } },
      });
      publish(deviceTopic(deviceId), wrapForBus(BusFlag.Forward, encodeServerFrame(frame)));
    },
    deviceRevoked(deviceId) {
      publish(deviceTopic(deviceId), wrapForBus(BusFlag.Revoked, new Uint8Array()));
    },
    syncHint(topic) {
      publish(topic, wrapForBus(BusFlag.Forward, SYNC_HINT_FRAME));
    },
  };
}
