import { describe, expect, it } from "vitest";
import type { NewProposal, Store } from "../../../src/store/port.js";
import type { StoreHarness, TestAccount } from "./fixtures.js";
import {
  T0,
  commitOf,
  entryOf,
  expectBytes,
  hex,
  message,
  newAccount,
  newDevice,
  newGroup,
  utf8,
} from "./fixtures.js";

function proposal(conversationId: string, epoch: number, removedDeviceId: string): NewProposal {
  return {
    conversationId,
    epoch,
    payload: utf8(`remove ${removedDeviceId} at ${epoch}`),
    ref: utf8(`ref ${removedDeviceId} ${epoch}`),
    removedDeviceId,
    serverTime: T0 + 3,
  };
}

/** Group "g1" by alice with alice-2 added by the commit at seq 1 (epoch 1 after it), and alice-2 revoked. */
async function groupWithRevokedDevice(store: Store): Promise<TestAccount> {
  const alice = await newAccount(store, "alice");
  await newDevice(store, alice.address, "alice-2");
  await newGroup(store, "g1", alice);
  const added = await store.commit(
    commitOf("g1", alice, { epoch: 0, clientMessageId: "add", membership: { addedDevices: ["alice-2"] } }),
  );
  expect(added.kind).toBe("committed");
  await store.revokeDevice("alice-2", T0 + 2);
  return alice;
}

export function proposalContract(h: () => StoreHarness): void {
  describe("hub proposals", () => {
    it("[ST15] appendProposal at the current epoch appends a proposal entry sent by no device", async () => {
      const { store } = h();
      await groupWithRevokedDevice(store);
      const result = await store.appendProposal(proposal("g1", 1, "alice-2"));
      if (result.kind !== "appended") throw new Error(`expected appended, got ${result.kind}`);
      expect(result.entry).toMatchObject({
        conversationId: "g1",
        seq: 2,
        kind: "proposal",
        senderDeviceId: "",
        senderAddress: "",
        epoch: 1,
        serverTime: T0 + 3,
        membership: null,
      });
      expectBytes(result.entry.payload, utf8("remove alice-2 at 1"));
      const [stored] = await store.readLog("g1", 1, 10);
      expect(stored).toEqual(result.entry);
      // A proposal moves no epoch and changes no membership.
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 2 });
      expect(await store.revokedMembers("g1")).toEqual(["alice-2"]);
    });

    it("[ST15] appendProposal at any other epoch is refused with the current epoch and changes nothing", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      expect(await store.appendProposal(proposal("g1", 0, "alice-2"))).toEqual({
        kind: "epoch_conflict",
        currentEpoch: 1,
      });
      expect(await store.appendProposal(proposal("g1", 2, "alice-2"))).toEqual({
        kind: "epoch_conflict",
        currentEpoch: 1,
      });
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 1 });
      expect(await store.pendingProposals("g1", 0)).toEqual([]);
      expect(await store.pendingProposals("g1", 1)).toEqual([]);
      // Nothing is pending, so messages still go through.
      expect((await store.appendMessage(message("g1", alice, "m1", { epoch: 1 }))).kind).toBe("appended");
    });

    it("[ST15] pendingProposals lists an epoch's proposals in seq order with their ref and removed device", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      await newDevice(store, alice.address, "alice-3");
      await newGroup(store, "g2", alice);
      const first = await store.appendProposal(proposal("g1", 1, "alice-2"));
      const second = await store.appendProposal(proposal("g1", 1, "alice-3"));
      await store.commit(commitOf("g1", alice, { epoch: 1, clientMessageId: "c2" }));
      const again = await store.appendProposal(proposal("g1", 2, "alice-2"));
      expect([first, second, again].map((r) => r.kind === "appended" && r.entry.seq)).toEqual([2, 3, 5]);

      const atOne = await store.pendingProposals("g1", 1);
      expect(atOne.map((p) => [p.seq, p.removedDeviceId, hex(p.ref)])).toEqual([
        [2, "alice-2", hex(utf8("ref alice-2 1"))],
        [3, "alice-3", hex(utf8("ref alice-3 1"))],
      ]);
      expectBytes(atOne[0]?.ref, utf8("ref alice-2 1"));
      expect((await store.pendingProposals("g1", 2)).map((p) => p.seq)).toEqual([5]);
      expect(await store.pendingProposals("g2", 0)).toEqual([]);
      expect(await store.pendingProposals("nope", 0)).toEqual([]);
    });

    it("[ST15] proposal entries never collide with client message ids", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      const first = await store.appendProposal(proposal("g1", 1, "alice-2"));
      const second = await store.appendProposal(proposal("g1", 1, "alice-2"));
      if (first.kind !== "appended" || second.kind !== "appended") throw new Error("expected appended");
      expect(first.entry.clientMessageId).not.toBe(second.entry.clientMessageId);
      await store.commit(commitOf("g1", alice, { epoch: 1, clientMessageId: "c2" }));
      // A client that happens to pick the same id is a different sender: its message is new.
      const sent = await store.appendMessage(message("g1", alice, first.entry.clientMessageId, { epoch: 2 }));
      expect(sent.kind).toBe("appended");
    });

    it("[ST10] appendProposal to an unknown conversation rejects", async () => {
      const { store } = h();
      await expect(store.appendProposal(proposal("nope", 0, "x-1"))).rejects.toThrow();
      expect(await store.getConversation("nope")).toBeUndefined();
    });
  });

  describe("messages while a proposal is pending", () => {
    it("[ST16] appendMessage answers proposals_pending and stores nothing", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      await store.appendProposal(proposal("g1", 1, "alice-2"));
      expect(await store.appendMessage(message("g1", alice, "m1", { epoch: 1 }))).toEqual({
        kind: "proposals_pending",
      });
      expect(await store.getConversation("g1")).toMatchObject({ epoch: 1, lastSeq: 2 });
      expect((await store.readLog("g1", 0, 10)).map((e) => e.kind)).toEqual(["commit", "proposal"]);
    });

    it("[ST16] a commit at the proposal's epoch is accepted and lifts the refusal", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      await store.appendProposal(proposal("g1", 1, "alice-2"));
      const removal = await store.commit(
        commitOf("g1", alice, {
          epoch: 1,
          clientMessageId: "remove",
          membership: { removedDevices: ["alice-2"] },
        }),
      );
      expect(removal.kind === "committed" && removal.entry.seq).toBe(3);
      const sent = await store.appendMessage(message("g1", alice, "m1", { epoch: 2 }));
      expect([sent.kind, entryOf(sent).seq]).toEqual(["appended", 4]);
      expect(await store.revokedMembers("g1")).toEqual([]);
    });

    it("[ST16] a proposal made again at the new epoch refuses messages again", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      await store.appendProposal(proposal("g1", 1, "alice-2"));
      // A commit that does not include the proposal still moves the epoch on.
      await store.commit(commitOf("g1", alice, { epoch: 1, clientMessageId: "other" }));
      expect((await store.appendMessage(message("g1", alice, "m1", { epoch: 2 }))).kind).toBe("appended");
      await store.appendProposal(proposal("g1", 2, "alice-2"));
      expect((await store.appendMessage(message("g1", alice, "m2", { epoch: 2 }))).kind).toBe(
        "proposals_pending",
      );
    });

    it("[ST16] a retry of a message stored before the proposal is still answered duplicate", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      const original = await store.appendMessage(message("g1", alice, "m1", { epoch: 1 }));
      await store.appendProposal(proposal("g1", 1, "alice-2"));
      const retry = await store.appendMessage(message("g1", alice, "m1", { epoch: 1 }));
      expect(retry.kind).toBe("duplicate");
      expect(entryOf(retry).seq).toBe(entryOf(original).seq);
    });

    it("[ST16] only the proposal's conversation is held back", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      await newGroup(store, "g2", alice);
      await store.appendProposal(proposal("g1", 1, "alice-2"));
      expect((await store.appendMessage(message("g2", alice, "m1"))).kind).toBe("appended");
    });

    it("[ST16] messages racing a proposal are each either stored before it or refused", async () => {
      const { store } = h();
      const alice = await groupWithRevokedDevice(store);
      // Issued together: one message before the proposal, five after it.
      const first = store.appendMessage(message("g1", alice, "m0", { epoch: 1 }));
      const proposing = store.appendProposal(proposal("g1", 1, "alice-2"));
      const rest = Array.from({ length: 5 }, (_, i) =>
        store.appendMessage(message("g1", alice, `m${i + 1}`, { epoch: 1 })),
      );
      const sends = await Promise.all([first, ...rest]);
      const proposed = await proposing;
      if (proposed.kind !== "appended") throw new Error("expected the proposal appended");
      const proposalSeq = proposed.entry.seq;
      for (const result of sends) {
        if (result.kind === "appended") expect(result.entry.seq).toBeLessThan(proposalSeq);
        else expect(result.kind).toBe("proposals_pending");
      }
      const stored = sends.filter((r) => r.kind === "appended").length;
      const log = await store.readLog("g1", 0, 20);
      expect(log).toHaveLength(1 + stored + 1);
      expect(log.at(-1)?.kind).toBe("proposal");
    });

    it("[DS2] a pending proposal still holds messages back after close and reopen", async () => {
      const harness = h();
      const alice = await groupWithRevokedDevice(harness.store);
      await harness.store.appendProposal(proposal("g1", 1, "alice-2"));
      await harness.store.close();
      const reopened = await harness.reopen();
      expect((await reopened.appendMessage(message("g1", alice, "m1", { epoch: 1 }))).kind).toBe(
        "proposals_pending",
      );
      expect((await reopened.pendingProposals("g1", 1)).map((p) => p.removedDeviceId)).toEqual(["alice-2"]);
    });
  });
}
