/**
 * [DS6] Hostile input at the gateway: random bytes, mutated valid frames and
 * structurally valid requests with random fields. Every answer is a typed
 * error from the fixed list, the connection keeps serving, and nothing
 * stored changes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES, encodeClientFrame, type Response } from "@switchboard/protocol";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type Hub } from "../../src/index.js";
import { RawClient, newKeys, requestFrame, sign, type RequestOp } from "./rawClient.js";

let hub: Hub;
let dir: string;
let dbPath: string;
let client: RawClient;
let nextId = 1000n;

/** Everything the hub stores, as text, to compare before and after. */
function snapshot(): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    return tables
      .map(
        ({ name }) =>
          `${name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all(), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v))}`,
      )
      .join("\n");
  } finally {
    db.close();
  }
}

/**
 * The connection still answers, and every answer since the last check was a
 * known error or a harmless success (an empty ack, say); the snapshot
 * comparison is what proves nothing changed.
 */
async function stillServing(): Promise<void> {
  const id = nextId++;
  const pong = await client.request({ case: "ping", value: {} }, id);
  expect(pong.result.case).toBe("ping");
  const others = client.frames.splice(0);
  for (const frame of others) {
    expect(frame.body.case).toBe("response");
    const result = (frame.body.value as Response).result;
    expect(result.case).toBeDefined();
    if (result.case === "error") expect(ERROR_CODES).toContain(result.value.code);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "switchboard-fuzz-"));
  dbPath = join(dir, "hub.db");
  hub = await startHub({ store: openSqliteStore({ path: dbPath }), bus: createMemoryBus(), apps: DEMO_APPS });
  client = await RawClient.connect(hub.url);
  const challenge = await client.hello();
  const keys = newKeys();
  const registered = await client.request(
    {
      case: "register",
      value: {
        address: "fuzzer@instagram",
        displayName: "Fuzzer",
        signatureKey: keys.publicKey,
        signature: sign(keys.privateKey, challenge),
      },
    },
    1n,
  );
  expect(registered.result.case).toBe("register");
});

afterAll(async () => {
  client.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("gateway under hostile input", () => {
  it("[DS6] random bytes get typed errors, the connection goes on, nothing stored changes", async () => {
    const before = snapshot();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        client.sendBytes(bytes);
        await stillServing();
      }),
      { numRuns: 200 },
    );
    expect(snapshot()).toBe(before);
  });

  it("[DS6] mutated valid requests get typed errors or valid answers, and nothing stored changes", async () => {
    const before = snapshot();
    const valid: RequestOp[] = [
      { case: "fetch", value: { conversationId: "00".repeat(16), afterSeq: 0n, limit: 10 } },
      {
        case: "sendMessage",
        value: {
          conversationId: "ab".repeat(16),
          clientMessageId: "m1",
          payload: new Uint8Array([0, 1, 0, 2]),
          epoch: 0n,
        },
      },
      { case: "claimKeyPackages", value: { address: "someone@messenger" } },
      { case: "lookupAccount", value: { address: "fuzzer@instagram" } },
      { case: "listKeyPackages", value: {} },
      { case: "requestVerificationCode", value: { address: "+14155550100@whatsapp" } },
      {
        case: "commit",
        value: {
          conversationId: "cd".repeat(16),
          clientMessageId: "c1",
          epoch: 3n,
          commit: new Uint8Array([0, 1, 0, 1]),
          groupInfo: new Uint8Array([1]),
        },
      },
      { case: "uploadKeyPackages", value: { keyPackages: [new Uint8Array([0, 1, 0, 5, 7])] } },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (op, flips) => {
          const bytes = encodeClientFrame(requestFrame(nextId++, op));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          client.sendBytes(bytes);
          // A mutation may still decode to a harmless valid request (e.g. a fetch
          // or lookup); stillServing accepts only errors for anything else.
          client.frames.splice(0);
          const pong = await client.request({ case: "ping", value: {} }, nextId++);
          expect(pong.result.case).toBe("ping");
        },
      ),
      { numRuns: 200 },
    );
    expect(snapshot()).toBe(before);
  });

  it("[DS6] well-formed requests with random fields never crash the hub nor change what is stored", async () => {
    const before = snapshot();
    const bytes = fc.uint8Array({ maxLength: 300 });
    const text = fc.string({ maxLength: 80 });
    const op: fc.Arbitrary<RequestOp> = fc.oneof(
      fc.record({
        case: fc.constant("sendMessage" as const),
        value: fc.record({
          conversationId: text,
          clientMessageId: text,
          payload: bytes,
          epoch: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        }),
      }),
      fc.record({
        case: fc.constant("commit" as const),
        value: fc.record({
          conversationId: text,
          clientMessageId: text,
          epoch: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          commit: bytes,
          welcome: bytes,
          groupInfo: bytes,
        }),
      }),
      fc.record({
        case: fc.constant("createConversation" as const),
        value: fc.record({
          conversationId: text,
          kind: fc.integer({ min: -5, max: 5 }),
          peer: text,
          groupInfo: bytes,
        }),
      }),
      fc.record({
        case: fc.constant("uploadKeyPackages" as const),
        value: fc.record({ keyPackages: fc.array(bytes, { maxLength: 5 }), lastResort: bytes }),
      }),
      fc.record({ case: fc.constant("claimKeyPackages" as const), value: fc.record({ address: text }) }),
      fc.record({
        case: fc.constant("ack" as const),
        value: fc.record({
          cursors: fc.array(
            fc.record({ conversationId: text, seq: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
            { maxLength: 5 },
          ),
        }),
      }),
      fc.record({ case: fc.constant("getGroupInfo" as const), value: fc.record({ conversationId: text }) }),
      fc.record({
        case: fc.constant("register" as const),
        value: fc.record({ address: text, displayName: text, signatureKey: bytes, signature: bytes }),
      }),
      fc.record({
        case: fc.constant("authenticate" as const),
        value: fc.record({ deviceId: text, signature: bytes }),
      }),
      fc.record({
        case: fc.constant("claimKeyPackages" as const),
        value: fc.record({ address: text, deviceIds: fc.array(text, { maxLength: 5 }) }),
      }),
      fc.record({
        case: fc.constant("beginLink" as const),
        value: fc.record({ signatureKey: bytes, hpkePublicKey: bytes, deviceName: text, signature: bytes }),
      }),
      fc.record({ case: fc.constant("getLink" as const), value: fc.record({ code: text }) }),
      fc.record({
        case: fc.constant("approveLink" as const),
        value: fc.record({
          code: text,
          approval: bytes,
          approvedAt: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          envelope: bytes,
        }),
      }),
      fc.record({ case: fc.constant("listDevices" as const), value: fc.record({ address: text }) }),
      fc.record({ case: fc.constant("revokeDevice" as const), value: fc.record({ deviceId: text }) }),
      fc.record({
        case: fc.constant("sendToDevice" as const),
        value: fc.record({ deviceId: text, payload: bytes }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(op, async (request) => {
        client.send(requestFrame(nextId++, request));
        await stillServing();
      }),
      { numRuns: 300 },
    );
    expect(snapshot()).toBe(before);
  });

  it("[DS6] device requests with random fields on a connection that has not logged in change nothing", async () => {
    const before = snapshot();
    const stranger = await RawClient.connect(hub.url);
    await stranger.hello();
    const bytes = fc.uint8Array({ maxLength: 80 });
    const key = fc.oneof(bytes, fc.uint8Array({ minLength: 32, maxLength: 32 }));
    const op: fc.Arbitrary<RequestOp> = fc.oneof(
      fc.record({
        case: fc.constant("beginLink" as const),
        value: fc.record({
          signatureKey: key,
          hpkePublicKey: key,
          deviceName: fc.string({ maxLength: 80 }),
          signature: fc.oneof(bytes, fc.uint8Array({ minLength: 64, maxLength: 64 })),
        }),
      }),
      fc.record({
        case: fc.constant("getLink" as const),
        value: fc.record({ code: fc.string({ maxLength: 20 }) }),
      }),
      fc.record({ case: fc.constant("revokeDevice" as const), value: fc.record({ deviceId: fc.string() }) }),
    );
    await fc.assert(
      fc.asyncProperty(op, async (request) => {
        const response = await stranger.request(request, nextId++);
        expect(response.result.case).toBe("error");
        if (response.result.case === "error") expect(ERROR_CODES).toContain(response.result.value.code);
      }),
      { numRuns: 200 },
    );
    stranger.close();
    expect(snapshot()).toBe(before);
  });

  it("[DS6] a frame over the size limit is refused and the hub keeps serving others", async () => {
    const big = new Uint8Array(2 * 1024 * 1024);
    client.sendBytes(big);
    // ws closes a connection that sends an oversized frame (1009); the hub goes on.
    await expect(client.next(() => undefined, 3000)).rejects.toThrow();
    expect(client.closed).toBe(true);
    client = await RawClient.connect(hub.url);
    await client.hello();
    const pong = await client.request({ case: "ping", value: {} }, nextId++);
    expect(pong.result.case).toBe("ping");
  });
});
