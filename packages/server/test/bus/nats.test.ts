/**
 * The NATS bus against the Bus contract, on the machine's NATS server (each
 * test under its own subject prefix, so runs and clusters sharing the server
 * do not meet), and what only NATS has: subjects, max_payload, reconnects,
 * the broker's view of a node's interest (on a private nats-server).
 */
import { randomBytes } from "node:crypto";
import { connect } from "nats";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { create, encodeServerFrame, LIMITS, ServerFrameSchema } from "@switchboard/protocol";
import { BusFlag, wrapForBus } from "../../src/bus/envelope.js";
import {
  DEFAULT_NATS_PREFIX,
  openNatsBus,
  type NatsBus,
  type NatsBusOptions,
} from "../../src/bus/natsBus.js";
import type { Bus } from "../../src/bus/port.js";
import { LocalRouter, type RoutedConnection } from "../../src/gateway/router.js";
import { serviceAvailable } from "../support/services.js";
import { describeBusContract, inbox, pseudoRandom } from "./contract.js";
import { natsServerBinaryPresent, startPrivateNatsServer, type PrivateNatsServer } from "./natsServer.js";

const NATS_URL = process.env["SWITCHBOARD_TEST_NATS_URL"] ?? "nats://127.0.0.1:4222";
const START_NATS =
  "start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- " +
  "-a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log";

const natsUp = await serviceAvailable(
  `NATS at ${NATS_URL}`,
  async () => {
    const nc = await connect({ servers: NATS_URL, reconnect: false, timeout: 3_000 });
    await nc.close();
  },
  START_NATS,
);
const binaryPresent = await serviceAvailable(
  "nats-server binary",
  natsServerBinaryPresent,
  "apt-get install nats-server",
);

/** A prefix no other test or run uses. */
const freshPrefix = () => `sbtest.${randomBytes(6).toString("hex")}`;

/** Every bus a test opens, closed after it. */
const opened: Bus[] = [];
async function open(options: Partial<NatsBusOptions> = {}): Promise<NatsBus> {
  const bus = await openNatsBus({ servers: NATS_URL, ...options });
  opened.push(bus);
  return bus;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});

describe.skipIf(!natsUp)("NATS bus", () => {
  describeBusContract("nats", async () => {
    const prefix = freshPrefix();
    const bus = await open({ prefix });
    return {
      bus,
      settle: (b) => (b as NatsBus).flush(),
      openPeer: () => open({ prefix }),
      cleanup: async () => {},
    };
  });

  it("maps a topic to <prefix>.<topic>; the default prefix is 'switchboard'", async () => {
    const prefix = freshPrefix();
    const bus = await open({ prefix });
    const raw = await connect({ servers: NATS_URL });
    try {
      const subjects: string[] = [];
      raw.subscribe(`${prefix}.>`, { callback: (_err, msg) => subjects.push(msg.subject) });
      await raw.flush();
      const id = "ab".repeat(16);
      await bus.publish(`conv.${id}`, Uint8Array.of(1));
      await bus.publish("device.abcdefghijklmnopqrstuvwxyz", Uint8Array.of(2));
      await bus.flush();
      await raw.flush();
      await expect
        .poll(() => subjects)
        .toEqual([`${prefix}.conv.${id}`, `${prefix}.device.abcdefghijklmnopqrstuvwxyz`]);
    } finally {
      await raw.close();
    }
    expect(DEFAULT_NATS_PREFIX).toBe("switchboard");
    expect((await open()).prefix).toBe("switchboard");
  });

  it("keeps buses under different prefixes apart (two clusters on one server)", async () => {
    const one = await open({ prefix: freshPrefix() });
    const two = await open({ prefix: freshPrefix() });
    const onOne = inbox();
    const onTwo = inbox();
    one.subscribe("conv.aa", onOne.handler);
    two.subscribe("conv.aa", onTwo.handler);
    await one.flush();
    await two.flush();
    await two.publish("conv.aa", Uint8Array.of(2));
    await one.publish("conv.aa", Uint8Array.of(1));
    expect((await onOne.until(1)).map((m) => Array.from(m))).toEqual([[1]]);
    expect((await onTwo.until(1)).map((m) => Array.from(m))).toEqual([[2]]);
    await one.flush();
    await two.flush();
    expect(onOne.messages.length).toBe(1);
    expect(onTwo.messages.length).toBe(1);
  });

  it("refuses a prefix that is not subject-safe, and says when NATS is unreachable", async () => {
    for (const prefix of ["", "a.*", "a.>", "a b", "a..b", ".a"]) {
      await expect(openNatsBus({ servers: NATS_URL, prefix }), prefix).rejects.toMatchObject({
        code: "BAD_OPTION",
      });
    }
    // Port 1 on loopback: nothing listens there.
    const refused = openNatsBus({ servers: ["nats://127.0.0.1:1", "nats://me:secret@127.0.0.1:1"] });
    await expect(refused).rejects.toMatchObject({ code: "UNREACHABLE" });
    await expect(refused).rejects.toThrow("cannot reach NATS at nats://127.0.0.1:1, nats://***@127.0.0.1:1");
  });

  it("reads max_payload from the server; drops and logs a larger message for other nodes without failing, and goes on", async () => {
    type Warning = { msg: string; bytes?: number; maxPayload?: number };
    const warnings: Warning[] = [];
    const logger = pino(
      { level: "warn" },
      { write: (line: string) => void warnings.push(JSON.parse(line) as Warning) },
    );
    const prefix = freshPrefix();
    const bus = await open({ prefix, logger });
    const peer = await open({ prefix });
    const raw = await connect({ servers: NATS_URL });
    const serverMax = raw.info!.max_payload;
    await raw.close();
    expect(bus.maxPayload).toBe(serverMax);

    const elsewhere = inbox();
    peer.subscribe("conv.big", elsewhere.handler);
    await peer.flush();
    const here = inbox();
    bus.subscribe("conv.big", here.handler);
    const atLimit = pseudoRandom(bus.maxPayload, 11);
    await bus.publish("conv.big", atLimit);
    const over = new Uint8Array(bus.maxPayload + 1);
    await expect(bus.publish("conv.big", over)).resolves.toBeUndefined();
    // The largest frame the hub could publish: a full WebSocket frame plus the bus's flag byte.
    const hubFrame = wrapForBus(BusFlag.Forward, new Uint8Array(LIMITS.maxFrameBytes));
    await expect(bus.publish("conv.big", hubFrame)).resolves.toBeUndefined();
    await bus.publish("conv.big", Uint8Array.of(3));
    const [first, second] = await elsewhere.until(2);
    expect(Buffer.from(first!).equals(Buffer.from(atLimit))).toBe(true);
    expect(Array.from(second!)).toEqual([3]);
    await peer.flush();
    expect(elsewhere.messages.length).toBe(2);
    // This node's own subscribers get every message: it never left the process.
    expect(here.messages.map((m) => m.length)).toEqual([atLimit.length, over.length, hubFrame.length, 1]);
    expect(bus.stats().dropped.oversize).toBe(hubFrame.length > bus.maxPayload ? 2 : 1);
    expect(warnings[0]).toMatchObject({
      msg: "bus message over NATS max_payload dropped",
      bytes: bus.maxPayload + 1,
    });
  });

  it("a node's own subscribers get its publishes in-process, once; NATS does not echo them back", async () => {
    const prefix = freshPrefix();
    const bus = await open({ prefix });
    const peer = await open({ prefix });
    const here = inbox();
    const elsewhere = inbox();
    bus.subscribe("conv.echo", here.handler);
    peer.subscribe("conv.echo", elsewhere.handler);
    await Promise.all([bus.flush(), peer.flush()]);
    await bus.publish("conv.echo", Uint8Array.of(1));
    // Delivered before publish returns, as on the in-process bus.
    expect(here.messages.map((m) => m[0])).toEqual([1]);
    await peer.publish("conv.echo", Uint8Array.of(2));
    await bus.publish("conv.echo", Uint8Array.of(3));
    // Each node's own publish is in-process, the other's comes through NATS: the order between them is open.
    expect((await elsewhere.until(3)).map((m) => m[0]).sort()).toEqual([1, 2, 3]);
    expect((await here.until(3)).map((m) => m[0]).sort()).toEqual([1, 2, 3]);
    // Round trips through the broker after the last publishes: an echo would have arrived by now.
    await bus.flush();
    await peer.flush();
    await bus.flush();
    expect(here.messages.length).toBe(3);
    expect(elsewhere.messages.length).toBe(3);
  });
});

describe.skipIf(!binaryPresent)("NATS bus on a private nats-server", () => {
  let server: PrivateNatsServer;
  beforeAll(async () => {
    server = await startPrivateNatsServer();
  });
  afterAll(async () => {
    await server.kill();
  });

  it("keeps working across a dropped connection: drops while down, resubscribes and flows again", async () => {
    const prefix = freshPrefix();
    let resumed = 0;
    const quick = { reconnectWaitMs: 100, reconnectJitterMs: 50 };
    const subscriber = await open({ servers: server.url, prefix, ...quick, onResume: () => resumed++ });
    const droppedByPublisher: (readonly string[])[] = [];
    const publisher = await open({ servers: server.url, prefix, ...quick });
    publisher.onResume((topics) => droppedByPublisher.push(topics));
    const got = inbox();
    subscriber.subscribe("conv.live", got.handler);
    await subscriber.flush();
    await publisher.publish("conv.live", Uint8Array.of(1));
    await got.until(1);

    await server.kill();
    // While the broker is gone, publishing neither throws nor rejects.
    await expect
      .poll(async () => {
        await publisher.publish("conv.live", Uint8Array.of(2));
        return publisher.stats().dropped.disconnected;
      })
      .toBeGreaterThan(0);
    await publisher.publish("device.other", Uint8Array.of(2));

    await server.restart();
    await expect.poll(() => resumed, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => publisher.stats().reconnects, { timeout: 10_000 }).toBe(1);
    // What it dropped is named, each topic once, for the hub to tell those devices to sync.
    expect(droppedByPublisher.map((t) => [...t].sort())).toEqual([["conv.live", "device.other"]]);
    // The subscription came back by itself; once the server has it, publishes flow.
    await subscriber.flush();
    await publisher.publish("conv.live", Uint8Array.of(3));
    const messages = await got.until(2);
    expect(messages.map((m) => m[0])).toEqual([1, 3]);
  });

  it("a node subscribes at the broker only for its connected devices' topics, and drops them when they go", async () => {
    const prefix = freshPrefix();
    const name = `node-${prefix}`;
    const bus = await open({ servers: server.url, prefix, name });
    const router = new LocalRouter(bus);
    const at = async () => {
      await bus.flush();
      return (await server.subscriptions(name)).map((subject) => subject.slice(prefix.length + 1));
    };
    const c1 = "c1".repeat(16);
    const c2 = "c2".repeat(16);
    const a = routed("deva");
    const b = routed("devb");
    router.attach(a, [c1, c2]);
    router.attach(b, [c1]);
    expect(await at()).toEqual([`conv.${c1}`, `conv.${c2}`, "device.deva", "device.devb"]);
    router.detach(a);
    expect(await at()).toEqual([`conv.${c1}`, "device.devb"]);
    router.detach(b);
    expect(await at()).toEqual([]);
  });

  it("carries pushes and the revocation control message from one node to another's connections", async () => {
    const prefix = freshPrefix();
    const node1 = await open({ servers: server.url, prefix });
    const node2 = await open({ servers: server.url, prefix });
    const router = new LocalRouter(node1);
    const conversation = "c3".repeat(16);
    const a = routed("deva");
    router.attach(a, [conversation]);
    await node1.flush();

    const frame = encodeServerFrame(
      create(ServerFrameSchema, {
        body: { case: "push", value: { body: { case: "keyPackagesLow", value: { remaining: 3 } } } },
      }),
    );
    await node2.publish(`conv.${conversation}`, wrapForBus(BusFlag.Forward, frame));
    await expect.poll(() => a.pushed.length).toBe(1);
    expect(Buffer.from(a.pushed[0]!).equals(frame)).toBe(true);

    await node2.publish("device.deva", wrapForBus(BusFlag.Revoked, new Uint8Array()));
    await expect.poll(() => a.revoked).toBe(true);
  });
});

function routed(deviceId: string): RoutedConnection & { pushed: Uint8Array[]; revoked: boolean } {
  const pushed: Uint8Array[] = [];
  const conn = {
    deviceId,
    pushed,
    revoked: false,
    push: (bytes: Uint8Array) => void pushed.push(bytes),
    revoke: () => {
      conn.revoked = true;
    },
  };
  return conn;
}
