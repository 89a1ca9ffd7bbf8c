import { describe, expect, it } from "vitest";
import { planAppends, type AppendFacts } from "../../src/store/algorithms/append.js";
import { pending, ready, runAsync, runSync, type Step } from "../../src/store/algorithms/step.js";
import type { NewMessage } from "../../src/store/port.js";

function* twoSteps(first: Step<number>, second: Step<number>): Step<number> {
  const a = yield* first;
  const b = yield* second;
  return a * 10 + b;
}

function msg(id: string, bytes: number, epoch = 0): NewMessage {
  return {
    conversationId: "g1",
    senderDeviceId: "d1",
    senderAddress: "a@test",
    clientMessageId: id,
    payload: new Uint8Array(bytes),
    epoch,
    serverTime: 1,
    maxQueuedBytes: 10,
  };
}

function facts(
  count: number,
  head = { epoch: 0, lastSeq: 4, proposalEpoch: null as number | null },
): AppendFacts {
  return {
    heads: new Map([["g1", head]]),
    queued: new Map([["d1", 3]]),
    senders: Array.from({ length: count }, () => ({ member: true, blocked: false, earlier: undefined })),
  };
}

describe("[ST30] one algorithm, run synchronously by SQLite and asynchronously by PostgreSQL", () => {
  it("runSync runs a computation of ready primitives in order", () => {
    expect(runSync(twoSteps(ready(1), ready(2)))).toBe(12);
  });

  it("runSync refuses a primitive that returns pending I/O", () => {
    expect(() => runSync(twoSteps(ready(1), pending(Promise.resolve(2))))).toThrow(/pending I\/O/);
  });

  it("runAsync awaits each pending primitive and hands a rejection to the algorithm", async () => {
    expect(await runAsync(twoSteps(pending(Promise.resolve(1)), ready(2)))).toBe(12);
    function* guarded(): Step<string> {
      try {
        yield* pending(Promise.reject(new Error("boom")));
        return "no";
      } catch (error) {
        return (error as Error).message;
      }
    }
    expect(await runAsync(guarded())).toBe("boom");
  });
});

describe("[ST31] the append decision, pure", () => {
  it("numbers accepted messages from the head and counts only accepted bytes against the quota", () => {
    const messages = [msg("a", 5), msg("b", 5), msg("c", 2), msg("d", 1)];
    const plan = planAppends(messages, facts(4));
    expect(plan.outcomes.map((o) => (o.ok ? o.value.kind : "error"))).toEqual([
      "appended",
      "quota_exceeded",
      "appended",
      "quota_exceeded",
    ]);
    expect(plan.accepted.map((a) => [a.message.clientMessageId, a.seq])).toEqual([
      ["a", 5],
      ["c", 6],
    ]);
    expect(plan.heads).toEqual(new Map([["g1", 6]]));
    expect(plan.queued).toEqual(new Map([["d1", 7]]));
  });

  it("checks membership, then retries, then the epoch, then proposals, then the quota", () => {
    const earlier = { ...msg("x", 1), seq: 1, kind: "application" as const, membership: null };
    const f = facts(5, { epoch: 2, lastSeq: 9, proposalEpoch: 2 });
    f.senders[0] = { member: false, blocked: false, earlier };
    f.senders[1] = { member: true, blocked: false, earlier };
    const plan = planAppends([msg("a", 50, 1), msg("b", 50, 1), msg("c", 50, 1), msg("d", 50, 2)], f);
    expect(plan.outcomes.map((o) => (o.ok ? o.value.kind : "error"))).toEqual([
      "not_member",
      "duplicate",
      "wrong_epoch",
      "proposals_pending",
    ]);
    expect(plan.accepted).toEqual([]);
  });

  it("[ST50] a blocked sender comes after membership and before everything else, and stores nothing", () => {
    const earlier = { ...msg("x", 1), seq: 1, kind: "application" as const, membership: null };
    const f = facts(3, { epoch: 2, lastSeq: 9, proposalEpoch: 2 });
    f.senders[0] = { member: false, blocked: true, earlier };
    f.senders[1] = { member: true, blocked: true, earlier };
    f.senders[2] = { member: true, blocked: true, earlier: undefined };
    const plan = planAppends([msg("a", 1, 1), msg("b", 1, 1), msg("c", 50, 1)], f);
    expect(plan.outcomes.map((o) => (o.ok ? o.value.kind : "error"))).toEqual([
      "not_member",
      "blocked",
      "blocked",
    ]);
    expect(plan.accepted).toEqual([]);
    expect(plan.heads.size + plan.queued.size).toBe(0);
  });

  it("an unknown conversation is an error for that message alone", () => {
    const f = facts(1);
    f.heads.clear();
    const [outcome] = planAppends([msg("a", 1)], f).outcomes;
    expect(outcome?.ok).toBe(false);
  });
});
