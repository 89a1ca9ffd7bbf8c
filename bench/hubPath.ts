/**
 * The hub's path for one direct message without sockets: the request frame
 * decoded, the handler (rate limit, DeliveryService.sendMessage, the SQLite
 * append with group commit, the push encoded and published on the in-process
 * Bus) and the ack encoded; µs of CPU per message (process.cpuUsage: fsync
 * waits are not counted, the WAL checkpointer thread is). What the direct
 * workload measures minus the WebSocket work on both sides, in one process,
 * so a change to the hot path can be compared in a minute even while other
 * processes load the machine (the direct workload's figures move by 2x then).
 *
 * The Store and the Bus are wrapped in the latency decorator as in the hub
 * (metrics/instrument.ts); `--bare=1` leaves it out.
 *
 * Client message ids are 32 random bytes in hex, as the SDK sends them;
 * `--counter-ids=1` sends counting ids, which keep the idempotency index in
 * order (bench/README.md, "What the bench was not showing").
 *
 *   node --import tsx bench/hubPath.ts [--messages=200000] [--pairs=32] [--window=64] [--payload=334] [--bare=1] [--counter-ids=1]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeClientFrame,
  encodeSendMessageAck,
  encodeSendMessageRequest,
  type Request,
} from "@switchboard/protocol";
import { createMemoryBus } from "../packages/server/src/bus/memoryBus.js";
import { createBusAnnouncer } from "../packages/server/src/delivery/announcer.js";
import { DeliveryService } from "../packages/server/src/delivery/deliveryService.js";
import { handleRequest, type Services, type Session } from "../packages/server/src/gateway/handlers.js";
import { RateLimits } from "../packages/server/src/rateLimit/rateLimits.js";
import { DEFAULT_RATE_LIMIT_SETTINGS } from "../packages/server/src/rateLimit/rateLimitSettings.js";
import { openSqliteStore } from "../packages/server/src/store/sqlite/index.js";
import { instrument } from "../packages/server/src/metrics/instrument.js";
import { LatencyHistogram } from "../packages/server/src/metrics/latencyHistogram.js";
import { Registry } from "prom-client";
import { nextMessageId } from "./lib/messageIds.js";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, Number(v)] as const;
  }),
);
const MESSAGES = args.get("messages") ?? 200_000;
const PAIRS = args.get("pairs") ?? 32;
const WINDOW = args.get("window") ?? 64;
const PAYLOAD = args.get("payload") ?? 334;
const BARE = args.get("bare") === 1;

const dir = mkdtempSync(join(tmpdir(), "sb-hub-path-"));
const sqlite = openSqliteStore({ path: join(dir, "bench.db") });
const registry = new Registry();
const timed = <T extends object>(port: T, name: string): T =>
  BARE ? port : instrument(port, new LatencyHistogram(name, name, [0.001, 0.01, 0.1], registry));
const store = timed(sqlite, "store_seconds");
const bus = timed(createMemoryBus(), "bus_seconds");
const announcer = createBusAnnouncer(bus, (err) => console.error(err));
const delivery = new DeliveryService(store, undefined as never, announcer, Date.now, {
  hubPublicKey: new Uint8Array(32),
  removals: undefined as never,
  onError: (err) => console.error(err),
  maxQueuedBytes: 1024 ** 4,
});
// The workloads lift the per-account send limit (bench/lib/benchHubConfig.ts); so does this.
const unlimited = { burst: 1_000_000_000, perMinute: 1_000_000_000_000 };
const rateLimits = new RateLimits(
  {
    ...DEFAULT_RATE_LIMIT_SETTINGS,
    limits: { ...DEFAULT_RATE_LIMIT_SETTINGS.limits, sendPerAccount: unlimited },
  },
  Date.now,
);
const services = { delivery, rateLimits, clock: Date.now } as unknown as Services;

/** An MLS PrivateMessage's framing (RFC 9420 §6.3) around filler, `size` bytes in all. */
function privateMessage(groupId: Uint8Array, size: number): Uint8Array {
  const head = [0, 1, 0, 2, groupId.length, ...groupId, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];
  const body = size - head.length - 2;
  return new Uint8Array([...head, 0x40 | (body >> 8), body & 0xff, ...new Uint8Array(body).fill(7)]);
}

interface Lane {
  conversationId: string;
  payload: Uint8Array;
  session: Session;
}
const lanes: Lane[] = [];
for (let p = 0; p < PAIRS; p++) {
  const devices = [`${p}a`, `${p}b`].map((d) => `${d.padStart(8, "0")}${"0".repeat(56)}`);
  const addresses = [`a${p}@bench`, `b${p}@bench`];
  for (const [i, address] of addresses.entries()) {
    await store.createAccount(
      { address, app: "bench", displayName: address, createdAt: 0 },
      { id: devices[i]!, signatureKey: new Uint8Array(32), createdAt: 0 },
    );
  }
  const groupId = new Uint8Array(16).fill(p + 1);
  const conversationId = Buffer.from(groupId).toString("hex");
  const created = await store.createConversation({
    id: conversationId,
    kind: "direct",
    createdAt: 0,
    creatorAddress: addresses[0]!,
    creatorDeviceId: devices[0]!,
    peerAddress: addresses[1]!,
    groupInfo: new Uint8Array(100),
  });
  if (created.kind !== "created") throw new Error(created.kind);
  const session = {
    caller: { deviceId: devices[0]!, address: addresses[0]!, app: "bench" },
    remoteAddress: "127.0.0.1",
  } as unknown as Session;
  lanes.push({ conversationId, payload: privateMessage(groupId, PAYLOAD), session });
}

let count = 0;
let acked = 0;
async function sendOne(lane: Lane): Promise<void> {
  const i = ++count;
  const frame = encodeSendMessageRequest(
    BigInt(i),
    lane.conversationId,
    args.get("counter-ids") === 1 ? `m-${i}-0123456789` : nextMessageId(),
    lane.payload,
    0,
  );
  // The hub's side starts here: decode, handle, encode the ack.
  const decoded = decodeClientFrame(frame);
  if (!decoded.ok || decoded.value.body.case !== "request") throw new Error("bad frame");
  const request: Request = decoded.value.body.value;
  const result = await handleRequest(services, lane.session, request);
  if (result.case !== "sendMessage") throw new Error(JSON.stringify(result));
  acked += encodeSendMessageAck(request.id, Number(result.value.seq), Number(result.value.serverTime)).length;
}

const perPair = Math.ceil(MESSAGES / PAIRS);
const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(
  lanes.map(async (lane) => {
    let n = 0;
    const loop = async () => {
      while (n++ < perPair) await sendOne(lane);
    };
    await Promise.all(Array.from({ length: WINDOW }, loop));
  }),
);
const cpu = process.cpuUsage(cpuBefore);
const seconds = (performance.now() - started) / 1000;
const stats = sqlite.stats();
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `${count} messages, ${PAIRS} conversations x ${WINDOW} in flight, ${PAYLOAD} B: ` +
    `${Math.round(count / seconds).toLocaleString("en-US")} msg/s, ` +
    `${((cpu.user + cpu.system) / count).toFixed(1)} µs CPU per message ` +
    `(the load generator's frame encoding included), ${(count / stats.transactions).toFixed(0)} per COMMIT` +
    (acked > 0 ? "" : " (no acks?)"),
);
