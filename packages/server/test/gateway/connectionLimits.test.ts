/**
 * [EG3] Silent sockets, floods from one address and large frames before
 * Hello: the hub refuses and reclaims them, and /healthz and a real client
 * from another address keep working. The flood comes from 127.0.0.2 (all of
 * 127/8 is loopback on Linux), so the per-IP cap bites it and not the client.
 */
import WebSocket from "ws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type Hub } from "../../src/index.js";
import { ManualTimers } from "../support/manualTimers.js";
import { RawClient } from "./rawClient.js";

const HELLO_MS = 7_777;
const PER_IP = 5;
const FLOOD_FROM = "127.0.0.2";

let hub: Hub;
let timers: ManualTimers;

beforeEach(async () => {
  timers = new ManualTimers();
  hub = await startHub({
    store: openSqliteStore({ path: ":memory:" }),
    bus: createMemoryBus(),
    apps: DEMO_APPS,
    timers,
    connections: { helloDeadlineMs: HELLO_MS, maxConnectionsPerIp: PER_IP, maxConnections: 20 },
  });
});

afterEach(async () => {
  await hub.close();
});

/** Open a WebSocket; "open", or the HTTP status the upgrade was refused with. */
function attempt(localAddress: string): Promise<{ ws: WebSocket; outcome: "open" | number }> {
  const ws = new WebSocket(hub.url.replace(/^http/, "ws") + "/ws", { localAddress });
  closeCodes.set(ws, new Promise((resolve) => ws.once("close", (code: number) => resolve(code))));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, outcome: "open" }));
    ws.once("unexpected-response", (_req, res) => {
      resolve({ ws, outcome: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once("error", reject);
  });
}

const closeCodes = new Map<WebSocket, Promise<number>>();

/** The code the socket closed with, once it has. */
function closed(ws: WebSocket): Promise<number> {
  return closeCodes.get(ws)!;
}

describe("connection limits", () => {
  it("[EG3] a flood of silent sockets is capped per IP and dropped at the Hello deadline; others are served", async () => {
    const flood = await Promise.all(Array.from({ length: 3 * PER_IP }, () => attempt(FLOOD_FROM)));
    const opened = flood.filter((f) => f.outcome === "open");
    expect(opened).toHaveLength(PER_IP);
    expect(flood.filter((f) => f.outcome === 503)).toHaveLength(2 * PER_IP);

    const health = await fetch(`${hub.url}/healthz`);
    expect(health.status).toBe(200);
    const client = await RawClient.connect(hub.url, { localAddress: "127.0.0.1" });
    await client.hello();
    expect((await client.request({ case: "ping", value: {} }, 1n)).result.case).toBe("ping");

    // The silent ones reach their deadline; the client that said Hello does not.
    await timers.untilArmed(HELLO_MS, PER_IP);
    expect(timers.fire(HELLO_MS)).toBe(PER_IP);
    for (const { ws } of opened) expect(await closed(ws)).toBe(1008);
    expect((await client.request({ case: "ping", value: {} }, 2n)).result.case).toBe("ping");

    // Their slots were released: the address may connect again.
    const again = await attempt(FLOOD_FROM);
    expect(again.outcome).toBe("open");
    again.ws.close();
    client.close();
  });

  it("[EG3] the total cap refuses with 503 whatever the address", async () => {
    const sockets = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < PER_IP; j++) sockets.push(await attempt(`127.0.1.${i + 1}`));
    }
    expect(sockets.every((s) => s.outcome === "open")).toBe(true);
    expect((await attempt("127.0.2.1")).outcome).toBe(503);
    for (const s of sockets) s.ws.terminate();
    await Promise.all(sockets.map((s) => closed(s.ws)));
  });

  it("[EG3] a frame over the pre-Hello limit is refused before decoding and the socket closed", async () => {
    const client = await RawClient.connect(hub.url);
    client.sendBytes(new Uint8Array(5000));
    const error = await client.next((f) =>
      f.body.case === "response" && f.body.value.result.case === "error"
        ? f.body.value.result.value
        : undefined,
    );
    expect(error.code).toBe("TOO_LARGE");
    expect(await client.closedWith()).toBe(1009);
  });
});
