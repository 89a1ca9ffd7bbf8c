/**
 * The Bus contract: ONE suite that every Bus adapter runs (in-process now,
 * NATS for many nodes). The Bus is at-most-once and keeps nothing; these are
 * the promises the gateway's router and the announcer rely on.
 *
 * Rules:
 *  [BUS1] A subscriber gets what is published to its topic and nothing published to other topics.
 *  [BUS2] Several subscribers of one topic each get every message.
 *  [BUS3] Unsubscribing stops delivery to that subscriber only; a second unsubscribe is harmless.
 *  [BUS4] Messages from one publisher on one topic arrive in the order published.
 *  [BUS5] Bytes round-trip exactly, from empty to ~900 KiB, as Uint8Array.
 *  [BUS6] A handler that throws does not stop delivery to other handlers or of later messages.
 *  [BUS7] Two buses on one broker (two nodes) see each other's publishes.
 *  [BUS8] After close() nothing is delivered; publish and subscribe are harmless, close is idempotent.
 *  [BUS9] A topic that is not subject-safe (wildcard, space, empty token) is refused.
 *
 * Delivery may be asynchronous (NATS) or synchronous (in-process), so tests
 * wait for what must arrive and prove absence with a barrier: a later message
 * from the same publisher that must arrive, after which the absent one would
 * have arrived too.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BusError } from "../../src/bus/errors.js";
import type { Bus, BusHandler } from "../../src/bus/port.js";

export interface BusUnderTest {
  /** A fresh bus, on its own namespace where the broker is shared. */
  bus: Bus;
  /** Resolves once the broker has seen every subscription made so far on `bus` (a no-op in process). */
  settle(bus: Bus): Promise<void>;
  /**
   * Another node's bus on the same broker and namespace as `bus`. Absent
   * where there is no broker: the in-process bus is one node's own.
   */
  openPeer?: () => Promise<Bus>;
  /** Close what the harness opened (buses may already be closed). */
  cleanup(): Promise<void>;
}

/** How long a message that must arrive may take. */
const ARRIVAL_MS = 5_000;

export function describeBusContract(name: string, open: () => Promise<BusUnderTest>): void {
  describe(`Bus contract: ${name}`, () => {
    let h: BusUnderTest;
    let bus: Bus;
    beforeEach(async () => {
      h = await open();
      bus = h.bus;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it("[BUS1] a subscriber gets what is published to its topic, and nothing from other topics", async () => {
      const id = "0123456789abcdef0123456789abcdef";
      const mine = inbox();
      const others = inbox();
      bus.subscribe(`conv.${id}`, mine.handler);
      // Topics that share a prefix or an id with it are other topics.
      bus.subscribe(`conv.${id}0`, others.handler);
      bus.subscribe(`device.${id}`, others.handler);
      bus.subscribe("conv", others.handler);
      await bus.publish(`conv.${id}`, bytes(1));
      await bus.publish(`conv.${id.slice(0, 31)}`, bytes(2));
      await bus.publish(`conv.${id}.x`, bytes(3));
      await bus.publish(`conv.${id}`, bytes(4));
      expect((await mine.until(2)).map(first)).toEqual([1, 4]);
      expect(others.messages).toEqual([]);
    });

    it("[BUS2] several subscribers of one topic each get every message", async () => {
      const a = inbox();
      const b = inbox();
      const c = inbox();
      bus.subscribe("conv.aa", a.handler);
      bus.subscribe("conv.aa", b.handler);
      bus.subscribe("conv.aa", c.handler);
      // The same function subscribed twice is two subscriptions.
      bus.subscribe("conv.aa", c.handler);
      await bus.publish("conv.aa", bytes(7));
      await bus.publish("conv.aa", bytes(8));
      expect((await a.until(2)).map(first)).toEqual([7, 8]);
      expect((await b.until(2)).map(first)).toEqual([7, 8]);
      expect((await c.until(4)).map(first).sort()).toEqual([7, 7, 8, 8]);
    });

    it("[BUS3] unsubscribing stops delivery to that subscriber only; a second unsubscribe is harmless", async () => {
      const gone = inbox();
      const stays = inbox();
      const unsubscribe = bus.subscribe("device.d1", gone.handler);
      bus.subscribe("device.d1", stays.handler);
      await bus.publish("device.d1", bytes(1));
      await gone.until(1);
      await stays.until(1);
      unsubscribe();
      unsubscribe();
      await bus.publish("device.d1", bytes(2));
      // The barrier: the same message reached the subscriber that stayed.
      expect((await stays.until(2)).map(first)).toEqual([1, 2]);
      expect(gone.messages.map(first)).toEqual([1]);

      // A new subscription after unsubscribing works as the first did.
      const again = inbox();
      bus.subscribe("device.d1", again.handler);
      await bus.publish("device.d1", bytes(3));
      expect((await again.until(1)).map(first)).toEqual([3]);
      expect(gone.messages.map(first)).toEqual([1]);
    });

    it("[BUS3] a handler may unsubscribe itself while it is being called", async () => {
      const seen: number[] = [];
      const other = inbox();
      const unsubscribe = bus.subscribe("conv.bb", (m) => {
        seen.push(first(m));
        unsubscribe();
      });
      bus.subscribe("conv.bb", other.handler);
      await bus.publish("conv.bb", bytes(1));
      await bus.publish("conv.bb", bytes(2));
      await other.until(2);
      expect(seen).toEqual([1]);
    });

    it("[BUS4] messages from one publisher on one topic arrive in order", async () => {
      const got = inbox();
      bus.subscribe("conv.cc", got.handler);
      const count = 2_000;
      for (let i = 0; i < count; i++) void bus.publish("conv.cc", counter(i));
      await bus.publish("conv.cc", counter(count));
      const messages = await got.until(count + 1);
      expect(messages.map(readCounter)).toEqual(Array.from({ length: count + 1 }, (_, i) => i));
    });

    it("[BUS5] bytes round-trip exactly: empty, every byte value, and ~900 KiB", async () => {
      const got = inbox();
      bus.subscribe("conv.dd", got.handler);
      const sent = [
        new Uint8Array(0),
        Uint8Array.of(0),
        Uint8Array.from({ length: 256 }, (_, i) => i),
        pseudoRandom(900 * 1024, 5),
      ];
      for (const message of sent) await bus.publish("conv.dd", message);
      const received = await got.until(sent.length);
      for (const [i, message] of received.entries()) {
        expect(message).toBeInstanceOf(Uint8Array);
        expect(message.length).toBe(sent[i]!.length);
        expect(Buffer.from(message).equals(Buffer.from(sent[i]!))).toBe(true);
      }
    });

    it("[BUS6] a handler that throws does not stop delivery to others or of later messages", async () => {
      const got = inbox();
      let calls = 0;
      bus.subscribe("conv.ee", () => {
        calls++;
        throw new Error("handler failure (expected by the test)");
      });
      bus.subscribe("conv.ee", got.handler);
      await bus.publish("conv.ee", bytes(1));
      await bus.publish("conv.ee", bytes(2));
      expect((await got.until(2)).map(first)).toEqual([1, 2]);
      expect(calls).toBe(2);
    });

    // The in-process bus has no broker: a second node cannot share it, so it
    // skips this; every broker-backed adapter runs it.
    it("[BUS7] two buses on one broker (two nodes) see each other's publishes (skipped without a broker)", async (ctx) => {
      if (!h.openPeer) return ctx.skip();
      const peer = await h.openPeer();
      const onFirst = inbox();
      const onPeer = inbox();
      bus.subscribe("conv.ff", onFirst.handler);
      peer.subscribe("conv.ff", onPeer.handler);
      await h.settle(bus);
      await h.settle(peer);
      for (let i = 0; i < 100; i++) await peer.publish("conv.ff", counter(i));
      await bus.publish("conv.ff", counter(100));
      // Each publisher's messages in its order; the two publishers interleave freely.
      for (const node of [onFirst, onPeer]) {
        const seen = (await node.until(101)).map(readCounter);
        expect(seen.filter((n) => n < 100)).toEqual(Array.from({ length: 100 }, (_, i) => i));
        expect(seen).toContain(100);
      }
      // A topic only one node subscribes to reaches only that node.
      const onlyPeer = inbox();
      peer.subscribe("device.only", onlyPeer.handler);
      await h.settle(peer);
      await bus.publish("device.only", pseudoRandom(900 * 1024, 7));
      const [big] = await onlyPeer.until(1);
      expect(Buffer.from(big!).equals(Buffer.from(pseudoRandom(900 * 1024, 7)))).toBe(true);
    });

    it("[BUS8] after close() nothing is delivered; publish, subscribe and a second close are harmless", async () => {
      const got = inbox();
      bus.subscribe("conv.gg", got.handler);
      await bus.publish("conv.gg", bytes(1));
      await got.until(1);
      const peer = h.openPeer ? await h.openPeer() : undefined;
      await bus.close();
      await expect(bus.publish("conv.gg", bytes(2))).resolves.toBeUndefined();
      const late = inbox();
      const unsubscribe = bus.subscribe("conv.gg", late.handler);
      unsubscribe();
      if (peer) {
        // Another node still publishes to the topic; the barrier is its own subscriber.
        const barrier = inbox();
        peer.subscribe("conv.gg", barrier.handler);
        await peer.publish("conv.gg", bytes(3));
        await barrier.until(1);
      }
      await bus.close();
      expect(got.messages.map(first)).toEqual([1]);
      expect(late.messages).toEqual([]);
    });

    it("[EG5] ping resolves while the bus can carry messages and rejects after close (readiness)", async () => {
      await expect(bus.ping()).resolves.toBeUndefined();
      await bus.close();
      await expect(bus.ping()).rejects.toThrow();
    });

    it("[BUS9] a topic that is not subject-safe is refused by publish and subscribe", async () => {
      const bad = [
        "",
        "conv.*",
        "conv.>",
        ">",
        "conv. x",
        "conv..x",
        ".conv",
        "conv.",
        "conv.a\nb",
        "x".repeat(201),
      ];
      for (const topic of bad) {
        await expect(bus.publish(topic, bytes(1)), topic).rejects.toMatchObject({ code: "BAD_TOPIC" });
        expect(() => bus.subscribe(topic, () => {}), topic).toThrow(BusError);
        try {
          bus.subscribe(topic, () => {});
        } catch (err) {
          expect((err as BusError).code, topic).toBe("BAD_TOPIC");
        }
      }
      // Real ids are hex (conversations) and base32 (devices).
      const ok = inbox();
      bus.subscribe("device.abcdefghijklmnopqrstuvwxyz", ok.handler);
      await bus.publish("device.abcdefghijklmnopqrstuvwxyz", bytes(1));
      await ok.until(1);
    });
  });
}

/** Collects what a handler receives and waits for a count of messages. */
export function inbox(): {
  handler: BusHandler;
  messages: Uint8Array[];
  until(count: number, ms?: number): Promise<Uint8Array[]>;
} {
  const messages: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  return {
    messages,
    handler: (message) => {
      messages.push(message);
      wake?.();
    },
    async until(count, ms = ARRIVAL_MS) {
      const deadline = Date.now() + ms;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`received ${messages.length} of ${count} messages within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return messages.slice(0, count);
    },
  };
}

const bytes = (value: number): Uint8Array => Uint8Array.of(value);
const first = (message: Uint8Array): number => message[0] ?? -1;
const counter = (i: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, i);
  return out;
};
const readCounter = (message: Uint8Array): number =>
  new DataView(message.buffer, message.byteOffset, message.byteLength).getUint32(0);

/** Deterministic bytes (xorshift32), so a mismatch is reproducible. */
export function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
