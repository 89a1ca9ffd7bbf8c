/**
 * [ST42] A crash at any write, between "message encrypted or decrypted" and
 * "state saved", never leads to a reused key or a lost message: the state
 * parts a step changed are written in the same atomic batch as the message
 * (or outbox item), so after a restart the device resumes from a state that
 * agrees with what it stored. Property test over random send/deliver/receive
 * orders with one injected crash, before or after the batch commits.
 *
 * The devices follow the SDK's steps (conversations/outbox.ts, applier.ts)
 * on SQLite stores; a restart drops every state held in memory (the decoded
 * state cache included) and reads the store again.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createTsMlsEngine } from "../../src/mls/index.js";
import type { DeviceIdentity, GroupEngine } from "../../src/mls/index.js";
import type { EngineGroupState } from "../../src/mls/state.js";
import { withStateCache } from "../../src/mls/stateCache.js";
import type { LocalStore, LocalWrite } from "../../src/store/port.js";
import { openSqliteLocalStore } from "../../src/store/sqlite/open.js";
import { conversation as conversationRecord } from "../store/fixtures.js";
import { Device } from "./fixtures.js";

const ID = "c1";
let raw: GroupEngine;
beforeAll(async () => {
  raw = await createTsMlsEngine({ crypto: "node" });
});

class Crash extends Error {}

/** Counts every write of the run; the one numbered `at` crashes, before or after it commits. */
class CrashPlan {
  writes = 0;
  crashed = false;
  constructor(
    readonly at: number,
    readonly afterCommit: boolean,
  ) {}
  async write(store: LocalStore, writes: LocalWrite[]): Promise<void> {
    const n = this.writes++;
    if (n !== this.at) return store.write(writes);
    this.crashed = true;
    if (this.afterCommit) await store.write(writes);
    throw new Crash(`crash at write ${n}`);
  }
}

interface LogEntry {
  id: string;
  sender: string;
  payload: Uint8Array;
  /** The sender's application generation the payload was encrypted at. */
  generation: number;
}

class Node {
  engine: GroupEngine = withStateCache(raw);
  readonly store = openSqliteLocalStore(":memory:");
  sent = 0;
  constructor(
    readonly name: string,
    readonly identity: DeviceIdentity,
    readonly plan: CrashPlan,
  ) {}

  restart(): void {
    this.engine = withStateCache(raw); // nothing decoded survives a crash
  }

  /** outbox.ts: encrypt, then store the new state and the outbox item together. */
  async send(): Promise<void> {
    const conversation = (await this.store.getConversation(ID))!;
    const state = this.engine.loadState(conversation.groupState) as EngineGroupState;
    const leaf = state.client.privatePath.leafIndex;
    const generation = state.client.secretTree[leaf * 2]!.application.generation;
    const text = `${this.name}-${this.sent++}`;
    const { message, newState } = await this.engine.encrypt(
      this.identity,
      state,
      new TextEncoder().encode(text),
    );
    await this.plan.write(this.store, [
      {
        kind: "putConversation",
        conversation: { ...conversation, groupState: this.engine.saveState(newState) },
      },
      {
        kind: "putOutbox",
        item: {
          clientMessageId: text,
          conversationId: ID,
          payload: message,
          epoch: newState.epoch,
          createdAt: generation,
          plaintext: null,
        },
      },
      { kind: "setMeta", key: `generation/${text}`, value: String(generation) },
    ]);
  }

  /** The hub takes the outbox (idempotently, by client message id); the item goes once acknowledged. */
  async flush(log: LogEntry[]): Promise<void> {
    for (const item of await this.store.listOutbox()) {
      if (!log.some((e) => e.id === item.clientMessageId)) {
        const generation = Number(await this.store.getMeta(`generation/${item.clientMessageId}`));
        log.push({ id: item.clientMessageId, sender: this.name, payload: item.payload, generation });
      }
      await this.plan.write(this.store, [{ kind: "deleteOutbox", clientMessageId: item.clientMessageId }]);
    }
  }

  /** applier.ts: decrypt the next log entry, then store the state, the position and the message together. */
  async receive(log: LogEntry[]): Promise<boolean> {
    const conversation = (await this.store.getConversation(ID))!;
    const entry = log[conversation.appliedSeq];
    if (entry === undefined) return false;
    const next = { ...conversation, appliedSeq: conversation.appliedSeq + 1 };
    if (entry.sender === this.name) {
      await this.plan.write(this.store, [{ kind: "putConversation", conversation: next }]);
      return true;
    }
    const result = await this.engine.process(
      this.identity,
      this.engine.loadState(conversation.groupState),
      entry.payload,
    );
    if (result.kind !== "application") throw new Error(`expected an application message, got ${result.kind}`);
    await this.plan.write(this.store, [
      {
        kind: "putConversation",
        conversation: { ...next, groupState: this.engine.saveState(result.newState) },
      },
      {
        kind: "putMessage",
        message: {
          id: entry.id,
          conversationId: ID,
          seq: conversation.appliedSeq + 1,
          senderAddress: entry.sender,
          senderDeviceId: entry.sender,
          text: new TextDecoder().decode(result.plaintext),
          sentAt: 0,
          serverTime: 0,
          outgoing: false,
          replyTo: null,
          editCount: 0,
          editedAt: null,
          deleted: false,
          expiresAt: null,
        },
      },
    ]);
    return true;
  }
}

async function setUp(plan: CrashPlan): Promise<[Node, Node]> {
  const alice = new Device(raw, "alice@messenger", "deviceA");
  const bob = new Device(raw, "bob@whatsapp", "deviceB");
  alice.state = (await raw.createGroup(alice.identity, new Uint8Array(16).fill(5))).state;
  const pending = await raw.createCommit(alice.identity, alice.state, {
    add: [await bob.publish()],
    removeDeviceIds: [],
  });
  await bob.join(pending.welcome!);
  const nodes: [Node, Node] = [new Node("a", alice.identity, plan), new Node("b", bob.identity, plan)];
  const states = [pending.newState, bob.state];
  for (const [i, node] of nodes.entries()) {
    const groupState = node.engine.saveState(states[i]!);
    await node.store.write([
      { kind: "putConversation", conversation: conversationRecord(ID, { groupState, appliedSeq: 0 }) },
    ]);
  }
  return nodes;
}

type Op = { who: 0 | 1; what: "send" | "flush" | "receive" };
const op: fc.Arbitrary<Op> = fc.record({
  who: fc.constantFrom(0 as const, 1 as const),
  what: fc.constantFrom("send" as const, "flush" as const, "receive" as const),
});

async function run(ops: Op[], plan: CrashPlan): Promise<{ received: string[][]; log: LogEntry[] }> {
  const nodes = await setUp(plan);
  const log: LogEntry[] = [];
  /** One step; false when there was nothing to receive. A crash restarts the device. */
  const step = async (node: Node, what: Op["what"]): Promise<boolean> => {
    try {
      if (what === "send") await node.send();
      else if (what === "flush") await node.flush(log);
      else return await node.receive(log);
    } catch (err) {
      if (!(err instanceof Crash)) throw err;
      node.restart();
    }
    return true;
  };
  for (const { who, what } of ops) await step(nodes[who], what);
  // Then everything settles (the crash may still come here): outboxes sent, every entry applied.
  for (let round = 0; round < 2; round++) {
    for (const node of nodes) await step(node, "flush");
    for (const node of nodes) while (await step(node, "receive"));
  }
  const received: string[][] = [];
  for (const node of nodes) {
    received.push((await node.store.listMessages(ID)).map((m) => `${m.id}:${m.text}`));
    await node.store.close();
  }
  return { received, log };
}

function expectNoReuseNoLoss(received: string[][], log: LogEntry[]): void {
  // No key reused: each sender's payloads in the log have distinct generations.
  for (const sender of ["a", "b"]) {
    const generations = log.filter((e) => e.sender === sender).map((e) => e.generation);
    expect(new Set(generations).size).toBe(generations.length);
  }
  // No message lost or doubled: each side stored exactly the other's log entries, in order.
  for (const [i, name] of ["a", "b"].entries()) {
    const expected = log.filter((e) => e.sender !== name).map((e) => `${e.id}:${e.id}`);
    expect(received[i]).toEqual(expected);
  }
}

describe("state persistence under crashes", () => {
  it("[ST42] a crash at any write never reuses a key or loses a message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.nat({ max: 20 }),
        fc.boolean(),
        async (ops, at, afterCommit) => {
          const plan = new CrashPlan(at, afterCommit);
          const { received, log } = await run(ops, plan);
          expectNoReuseNoLoss(received, log);
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);

  it("[ST42] every write of a fixed exchange, crashed before and after it commits", async () => {
    const ops: Op[] = [
      { who: 0, what: "send" },
      { who: 1, what: "send" },
      { who: 0, what: "flush" },
      { who: 1, what: "receive" },
      { who: 1, what: "flush" },
      { who: 0, what: "receive" },
      { who: 0, what: "receive" },
      { who: 0, what: "send" },
      { who: 0, what: "flush" },
      { who: 1, what: "receive" },
      { who: 1, what: "receive" },
    ];
    const total = new CrashPlan(-1, false);
    await run(ops, total);
    expect(total.writes).toBeGreaterThan(10);
    for (let at = 0; at < total.writes; at++) {
      for (const afterCommit of [false, true]) {
        const plan = new CrashPlan(at, afterCommit);
        const { received, log } = await run(ops, plan);
        expect(plan.crashed).toBe(true);
        expectNoReuseNoLoss(received, log);
      }
    }
  }, 120_000);
});
