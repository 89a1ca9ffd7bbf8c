/**
 * [EG2] A client that sends fetches and never reads the answers: the hub stops
 * reading it once its send budget is full, closes it when it stays stuck, and
 * its other clients keep being served meanwhile.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLOSE_TOO_SLOW, LIMITS } from "@switchboard/protocol";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type Hub } from "../../src/index.js";
import type { Store } from "../../src/store/port.js";
import { ManualTimers } from "../support/manualTimers.js";
import { RawClient, newKeys, requestFrame, sign } from "./rawClient.js";

const STUCK_MS = 12_345;
const BUDGET = 256 * 1024;
const CONVERSATION = "ab".repeat(16);

let hub: Hub;
let store: Store;
let timers: ManualTimers;

beforeEach(async () => {
  store = openSqliteStore({ path: ":memory:" });
  timers = new ManualTimers();
  hub = await startHub({
    store,
    bus: createMemoryBus(),
    apps: DEMO_APPS,
    timers,
    connections: { sendBudgetBytes: BUDGET, stuckCloseMs: STUCK_MS },
  });
});

afterEach(async () => {
  await hub.close();
});

/** A registered raw client; its device id. */
async function registered(handle: string): Promise<{ client: RawClient; deviceId: string; address: string }> {
  const client = await RawClient.connect(hub.url);
  const challenge = await client.hello();
  const keys = newKeys();
  const answer = await client.request(
    {
      case: "register",
      value: {
        address: `${handle}@instagram`,
        displayName: handle,
        signatureKey: keys.publicKey,
        signature: sign(keys.privateKey, challenge),
      },
    },
    1n,
  );
  if (answer.result.case !== "register") throw new Error(`register failed: ${answer.result.case}`);
  return { client, deviceId: answer.result.value.deviceId, address: answer.result.value.address };
}

/** A conversation of one device holding `count` messages of 200 KiB, written straight to the Store. */
async function bigConversation(deviceId: string, address: string, count: number): Promise<void> {
  const created = await store.createConversation({
    id: CONVERSATION,
    kind: "group",
    createdAt: 1,
    creatorAddress: address,
    creatorDeviceId: deviceId,
    groupInfo: new Uint8Array([1]),
  });
  expect(created.kind).toBe("created");
  for (let i = 0; i < count; i++) {
    const result = await store.appendMessage({
      conversationId: CONVERSATION,
      senderDeviceId: deviceId,
      senderAddress: address,
      clientMessageId: `m${i}`,
      payload: new Uint8Array(200 * 1024).fill(i),
      epoch: 0,
      serverTime: 2,
    });
    expect(result.kind).toBe("appended");
  }
}

describe("backpressure", () => {
  it("[EG2] a client that never reads is paused, then closed as too slow; others are served", async () => {
    const slow = await registered("slow");
    await bigConversation(slow.deviceId, slow.address, 12);
    const other = await registered("other");

    slow.client.stopReading();
    // Each answer is a page of ~600-800 KiB; 400 of them would be ~300 MiB queued in the hub.
    const requests = 400;
    for (let i = 0; i < requests; i++) {
      slow.client.send({
        $typeName: "switchboard.v1.ClientFrame",
        body: {
          case: "request",
          value: {
            $typeName: "switchboard.v1.Request",
            id: BigInt(100 + i),
            op: {
              case: "fetch",
              value: {
                $typeName: "switchboard.v1.FetchRequest",
                conversationId: CONVERSATION,
                afterSeq: 0n,
                limit: 0,
              },
            },
          },
        },
      });
    }
    // Blocked: the stuck deadline is armed, so the hub is holding requests and not reading.
    await timers.untilArmed(STUCK_MS);

    const pong = await other.client.request({ case: "ping", value: {} }, 2n);
    expect(pong.result.case).toBe("ping");

    expect(timers.fire(STUCK_MS)).toBe(1);
    slow.client.resumeReading();
    const code = await slow.client.closedWith();
    // The close frame queues behind what the client did not read, and the
    // socket is then destroyed: the code arrives only if the queue drained.
    expect([CLOSE_TOO_SLOW, 1006]).toContain(code);
    const answered = slow.client.frames.filter((f) => f.body.case === "response").length;
    expect(answered).toBeLessThan(requests / 4);

    const again = await other.client.request({ case: "ping", value: {} }, 3n);
    expect(again.result.case).toBe("ping");
    other.client.close();
  });

  it("[EG1] fetch pages hold at most maxPageBytes of payload, say whether more follows, and miss nothing", async () => {
    const { client, deviceId, address } = await registered("pager");
    await bigConversation(deviceId, address, 12);
    const seen: number[] = [];
    let after = 0n;
    for (let id = 10n; ; id++) {
      const answer = await client.request(
        { case: "fetch", value: { conversationId: CONVERSATION, afterSeq: after, limit: 0 } },
        id,
      );
      if (answer.result.case !== "fetch") throw new Error(`fetch failed: ${answer.result.case}`);
      const { entries, hasMore } = answer.result.value;
      const payload = entries.reduce((sum, e) => sum + e.payload.length, 0);
      expect(payload).toBeLessThanOrEqual(LIMITS.maxPageBytes);
      // 200 KiB entries: three fit in a page with their fields, a fourth would not.
      expect(entries.length).toBe(hasMore ? 3 : 12 - seen.length);
      seen.push(...entries.map((e) => Number(e.seq)));
      if (!hasMore) break;
      after = entries.at(-1)!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    client.close();
  });

  it("[EG2] past the in-flight cap requests wait instead of being refused", async () => {
    const { client } = await registered("eager");
    const count = LIMITS.maxInFlightRequests + 100;
    for (let i = 0; i < count; i++) client.send(requestFrame(BigInt(1000 + i), { case: "ping", value: {} }));
    for (let i = 0; i < count; i++) {
      const id = BigInt(1000 + i);
      const answer = await client.next((f) =>
        f.body.case === "response" && f.body.value.id === id ? f.body.value : undefined,
      );
      expect(answer.result.case).toBe("ping");
    }
    client.close();
  });

  it("[EG2] a client that reads slowly gets every answer, in order, none dropped", async () => {
    const reader = await registered("reader");
    await bigConversation(reader.deviceId, reader.address, 12);
    reader.client.stopReading();
    const requests = 40;
    for (let i = 0; i < requests; i++) {
      reader.client.send({
        $typeName: "switchboard.v1.ClientFrame",
        body: {
          case: "request",
          value: {
            $typeName: "switchboard.v1.Request",
            id: BigInt(100 + i),
            op: {
              case: "fetch",
              value: {
                $typeName: "switchboard.v1.FetchRequest",
                conversationId: CONVERSATION,
                afterSeq: BigInt(i % 12),
                limit: 0,
              },
            },
          },
        },
      });
    }
    await timers.untilArmed(STUCK_MS);
    reader.client.resumeReading();
    const ids: bigint[] = [];
    for (let i = 0; i < requests; i++) {
      const id = BigInt(100 + i);
      const response = await reader.client.next((f) =>
        f.body.case === "response" && f.body.value.id === id ? f.body.value : undefined,
      );
      expect(response.result.case).toBe("fetch");
      ids.push(response.id);
    }
    expect(ids).toHaveLength(requests);
    expect(timers.armed(STUCK_MS)).toBe(0);
    reader.client.close();
  });

  it("[EG7] frames that wait behind held requests are decoded in their turn: a bad one gets its typed error in order", async () => {
    const reader = await registered("pipeliner");
    await bigConversation(reader.deviceId, reader.address, 6);
    reader.client.stopReading();
    const fetches = 10;
    for (let i = 0; i < fetches; i++) {
      reader.client.send(
        requestFrame(BigInt(100 + i), {
          case: "fetch",
          value: { conversationId: CONVERSATION, afterSeq: 0n, limit: 0 },
        }),
      );
    }
    reader.client.sendBytes(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    reader.client.send(requestFrame(999n, { case: "ping", value: {} }));
    await timers.untilArmed(STUCK_MS);
    reader.client.resumeReading();
    const order: string[] = [];
    while (order.at(-1) !== "999") {
      const frame = await reader.client.next((f) => (f.body.case === "response" ? f.body.value : undefined));
      order.push(frame.result.case === "error" ? `error ${frame.result.value.code}` : String(frame.id));
    }
    // Every request answered once; the bad frame refused only when it reached the head of the
    // line, so after the fetches held before it (one at a time: a fetch reserves more than this
    // budget, so only the last may still have been running), and before the ping behind it.
    expect([...order].sort()).toEqual(
      [...Array.from({ length: fetches }, (_, i) => String(100 + i)), "999", "error BAD_FRAME"].sort(),
    );
    expect(order.indexOf("error BAD_FRAME")).toBeGreaterThanOrEqual(fetches - 1);
    expect(order.at(-1)).toBe("999");
    reader.client.close();
  });
});
