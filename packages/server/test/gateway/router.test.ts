/**
 * The router's interest on the Bus: a node subscribes to a device's topic
 * while that device has a connection here, and to a conversation's topic
 * while at least one member device is connected here. Never a wildcard, and
 * nothing left behind when the last connection goes.
 */
import { describe, expect, it } from "vitest";
import { create, encodeServerFrame, ServerFrameSchema } from "@switchboard/protocol";
import {
  BusFlag,
  exceptSenderHeaderSize,
  unwrapFromBus,
  wrapForBus,
  wrapForBusExceptSender,
  writeExceptSenderHeader,
} from "../../src/bus/envelope.js";
import { createMemoryBus } from "../../src/bus/memoryBus.js";
import type { Bus } from "../../src/bus/port.js";
import { LocalRouter, type RoutedConnection } from "../../src/gateway/router.js";
import { SYNC_HINT_FRAME } from "../../src/delivery/announcer.js";

const C1 = "c1".repeat(16);
const C2 = "c2".repeat(16);

describe("LocalRouter: Bus interest", () => {
  it("subscribes to the device's topic and its conversations, and to nothing else", () => {
    const { bus, live, log } = recordingBus();
    const router = new LocalRouter(bus);
    router.attach(connection("deva"), [C1, C2]);
    expect(live()).toEqual([`conv.${C1}`, `conv.${C2}`, "device.deva"]);
    expect(log.every((topic) => !topic.includes("*") && !topic.includes(">"))).toBe(true);
  });

  it("keeps the subscriptions while any connection of the device remains, and drops them all with the last", () => {
    const { bus, live } = recordingBus();
    const router = new LocalRouter(bus);
    const first = connection("deva");
    const second = connection("deva");
    router.attach(first, [C1]);
    router.attach(second, [C1]);
    expect(live()).toEqual([`conv.${C1}`, "device.deva"]);
    router.detach(first);
    expect(live()).toEqual([`conv.${C1}`, "device.deva"]);
    router.detach(second);
    expect(live()).toEqual([]);
    expect(router.deviceCount).toBe(0);
  });

  it("keeps a conversation while another local member is connected", () => {
    const { bus, live } = recordingBus();
    const router = new LocalRouter(bus);
    const a = connection("deva");
    const b = connection("devb");
    router.attach(a, [C1, C2]);
    router.attach(b, [C1]);
    router.detach(a);
    expect(live()).toEqual([`conv.${C1}`, "device.devb"]);
    router.detach(b);
    expect(live()).toEqual([]);
  });

  it("subscribes a conversation when a local device joins it (Welcome), and delivers its entries", async () => {
    const { bus, live } = recordingBus();
    const router = new LocalRouter(bus);
    const a = connection("deva");
    router.attach(a, []);
    await bus.publish("device.deva", inboxPush(C1));
    expect(live()).toEqual([`conv.${C1}`, "device.deva"]);
    await bus.publish(`conv.${C1}`, wrapForBus(BusFlag.Forward, Uint8Array.of(9)));
    expect(a.pushed.at(-1)).toEqual(Uint8Array.of(9));
  });

  it("drops a conversation when a commit removes its last local member, and adds connected devices a commit adds", async () => {
    const { bus, live } = recordingBus();
    const router = new LocalRouter(bus);
    const a = connection("deva");
    const b = connection("devb");
    router.attach(a, [C1]);
    router.attach(b, []);
    // One commit replaces deva by devb: the subscription stays throughout.
    await bus.publish(`conv.${C1}`, commitPush(C1, { added: ["devb"], removed: ["deva"] }));
    expect(live()).toEqual([`conv.${C1}`, "device.deva", "device.devb"]);
    await bus.publish(`conv.${C1}`, wrapForBus(BusFlag.Forward, Uint8Array.of(7)));
    expect(b.pushed.at(-1)).toEqual(Uint8Array.of(7));
    expect(a.pushed.at(-1)).not.toEqual(Uint8Array.of(7));
    await bus.publish(`conv.${C1}`, commitPush(C1, { added: [], removed: ["devb"] }));
    expect(live()).toEqual(["device.deva", "device.devb"]);
  });

  it("ignores a join for a device with no connection here (its socket closed mid-request)", () => {
    const { bus, live } = recordingBus();
    const router = new LocalRouter(bus);
    const a = connection("deva");
    router.attach(a, []);
    router.detach(a);
    router.join(C1, "deva");
    expect(live()).toEqual([]);
  });

  it("re-routes a linking connection that logs in as another device", () => {
    const { bus, live } = recordingBus();
    const router = new LocalRouter(bus);
    const linking = connection("newdev");
    router.attach(linking, []);
    expect(live()).toEqual(["device.newdev"]);
    // As ClientConnection.route does: the same connection, now known by its login's device id.
    linking.deviceId = "otherdev";
    router.detach(linking, "newdev");
    router.attach(linking, [C2]);
    expect(live()).toEqual([`conv.${C2}`, "device.otherdev"]);
  });

  it("[DS4] pushes an application entry to every member device but its sender, on every connection", async () => {
    const { bus } = recordingBus();
    const router = new LocalRouter(bus);
    const sender = "ab".repeat(16);
    const [phone, phoneAgain, laptop, peer] = [
      connection(sender),
      connection(sender),
      connection("cd".repeat(16)),
      connection("ef".repeat(16)),
    ];
    for (const conn of [phone, phoneAgain, laptop, peer]) router.attach(conn, [C1]);
    await bus.publish(`conv.${C1}`, wrapForBusExceptSender(sender, Uint8Array.of(5, 6)));
    expect(phone.pushed).toEqual([]);
    expect(phoneAgain.pushed).toEqual([]);
    for (const conn of [laptop, peer]) expect(conn.pushed.map((b) => Array.from(b))).toEqual([[5, 6]]);
  });

  it("reads back what the envelope wraps, and names no device but for an entry's sender", () => {
    const frame = Uint8Array.of(1, 2, 3);
    const wrapped = unwrapFromBus(wrapForBusExceptSender("0f".repeat(32), frame));
    expect(wrapped.flag).toBe(BusFlag.ForwardExceptSender);
    expect(Array.from(wrapped.frame)).toEqual([1, 2, 3]);
    expect(wrapped.exceptDeviceId).toBe("0f".repeat(32));
    const plain = unwrapFromBus(wrapForBus(BusFlag.Membership, frame));
    expect(plain.flag).toBe(BusFlag.Membership);
    expect(Array.from(plain.frame)).toEqual([1, 2, 3]);
    expect(plain.exceptDeviceId).toBe("");
    expect(() => wrapForBusExceptSender("x".repeat(256), frame)).toThrow(RangeError);
    // The header written in place, before a frame encoded after room for it, is the same envelope.
    const id = "0f".repeat(32);
    const inPlace = Buffer.alloc(exceptSenderHeaderSize(id) + frame.length, 0xee);
    inPlace.set(frame, exceptSenderHeaderSize(id));
    writeExceptSenderHeader(inPlace, id);
    expect(Array.from(inPlace)).toEqual(Array.from(wrapForBusExceptSender(id, frame)));
  });

  it("closes a revoked device's connections from the control message on its topic", async () => {
    const { bus } = recordingBus();
    const router = new LocalRouter(bus);
    const a = connection("deva");
    router.attach(a, [C1]);
    await bus.publish("device.deva", wrapForBus(BusFlag.Revoked, new Uint8Array()));
    expect(a.revoked).toBe(true);
  });

  it("pushes a frame to every connection here (the sync hint after a bus outage)", () => {
    const { bus } = recordingBus();
    const router = new LocalRouter(bus);
    const [a, b, c] = [connection("deva"), connection("deva"), connection("devb")];
    router.attach(a, [C1]);
    router.attach(b, []);
    router.attach(c, [C2]);
    router.detach(c);
    router.pushToAll(SYNC_HINT_FRAME);
    for (const conn of [a, b]) expect(conn.pushed).toEqual([SYNC_HINT_FRAME]);
    expect(c.pushed).toEqual([]);
  });
});

/** A memory bus that tracks which topics have live subscriptions. */
function recordingBus(): { bus: Bus; live: () => string[]; log: string[] } {
  const inner = createMemoryBus();
  const counts = new Map<string, number>();
  const log: string[] = [];
  const bus: Bus = {
    publish: (topic, message) => inner.publish(topic, message),
    ping: () => inner.ping(),
    subscribe(topic, handler) {
      log.push(topic);
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
      const end = inner.subscribe(topic, handler);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        counts.set(topic, counts.get(topic)! - 1);
        end();
      };
    },
    onResume: (handler) => inner.onResume(handler),
    close: () => inner.close(),
  };
  const live = () =>
    [...counts]
      .filter(([, n]) => n > 0)
      .map(([topic, n]) => {
        // The router never holds two subscriptions for one topic.
        expect(n).toBe(1);
        return topic;
      })
      .sort();
  return { bus, live, log };
}

function connection(
  deviceId: string,
): RoutedConnection & { deviceId: string; pushed: Uint8Array[]; revoked: boolean } {
  const pushed: Uint8Array[] = [];
  const conn = {
    deviceId,
    pushed,
    revoked: false,
    push: (bytes: Uint8Array) => pushed.push(bytes),
    revoke: () => {
      conn.revoked = true;
    },
  };
  return conn;
}

function inboxPush(conversationId: string): Uint8Array {
  const frame = create(ServerFrameSchema, {
    body: { case: "push", value: { body: { case: "inbox", value: { id: 1n, conversationId } } } },
  });
  return wrapForBus(BusFlag.Joins, encodeServerFrame(frame));
}

function commitPush(conversationId: string, change: { added: string[]; removed: string[] }): Uint8Array {
  const frame = create(ServerFrameSchema, {
    body: {
      case: "push",
      value: {
        body: {
          case: "entry",
          value: {
            conversationId,
            seq: 2n,
            membership: { addedDevices: change.added, removedDevices: change.removed },
          },
        },
      },
    },
  });
  return wrapForBus(BusFlag.Membership, encodeServerFrame(frame));
}
