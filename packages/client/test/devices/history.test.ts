import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/store/memory.js";
import { UNCHANGED_MESSAGE } from "../../src/store/messageDefaults.js";
import type { LocalConversation, LocalMessage } from "../../src/store/port.js";
import {
  HISTORY_CHUNK_BYTES,
  buildHistoryBundle,
  chunkBundle,
  historyWrites,
  joinChunks,
} from "../../src/devices/history.js";
import { deviceChanges } from "../../src/devices/changes.js";

const DAY = 24 * 3600 * 1000;
const NOW = 1_800_000_000_000;

function conversation(id: string, title = ""): LocalConversation {
  return {
    id,
    kind: title ? "group" : "direct",
    title,
    peer: title ? null : "bob@instagram",
    participants: ["alice@instagram", "bob@instagram"],
    groupState: { version: "v", parts: new Map() },
    epoch: 3,
    appliedSeq: 10,
    active: true,
    createdAt: 0,
    updatedAt: 0,
  };
}

function message(conversationId: string, seq: number | null, text: string, ageDays: number): LocalMessage {
  return {
    id: `${conversationId}-${text}`,
    conversationId,
    seq,
    senderAddress: seq !== null && seq % 2 ? "bob@instagram" : "alice@instagram",
    senderDeviceId: "d",
    text,
    sentAt: NOW - ageDays * DAY,
    serverTime: seq === null ? null : NOW - ageDays * DAY,
    outgoing: false,
    ...UNCHANGED_MESSAGE,
  };
}

async function approvingStore() {
  const store = createMemoryStore();
  const direct = conversation("aa".repeat(16));
  const group = conversation("bb".repeat(16), "Trip");
  await store.write([
    { kind: "putConversation", conversation: direct },
    { kind: "putConversation", conversation: group },
    { kind: "putMessage", message: message(direct.id, 1, "old", 40) },
    { kind: "putMessage", message: message(direct.id, 2, "recent", 2) },
    { kind: "putMessage", message: message(direct.id, 5, "after the link", 0) },
    { kind: "putMessage", message: message(direct.id, null, "unsent", 0) },
    { kind: "putMessage", message: message(group.id, 3, "in the group", 1) },
  ]);
  return { store, direct, group };
}

describe("[DIR5] history bundles", () => {
  it("cover each conversation up to the commit that added the device, by the chosen range", async () => {
    const { store, direct, group } = await approvingStore();
    const joined = [
      { conversation: direct, beforeSeq: 5 },
      { conversation: group, beforeSeq: 4 },
    ];
    const texts = async (choice: "all" | "30d" | "none") =>
      (await buildHistoryBundle(store, joined, choice, NOW)).conversations.map((c) =>
        c.messages.map((m) => m.text),
      );
    expect(await texts("all")).toEqual([["old", "recent"], ["in the group"]]);
    expect(await texts("30d")).toEqual([["recent"], ["in the group"]]);
    expect(await texts("none")).toEqual([[], []]);
  });

  it("travel in chunks and show on the new device exactly once, with the group's title", async () => {
    const { store, direct, group } = await approvingStore();
    const big = "x".repeat(HISTORY_CHUNK_BYTES);
    await store.write([{ kind: "putMessage", message: message(group.id, 2, big, 1) }]);
    const bundle = await buildHistoryBundle(
      store,
      [
        { conversation: direct, beforeSeq: 5 },
        { conversation: group, beforeSeq: 4 },
      ],
      "all",
      NOW,
    );
    const chunks = chunkBundle("cafe", bundle);
    expect(chunks.length).toBeGreaterThan(1);
    expect(joinChunks([...chunks].reverse())).toEqual(bundle);

    const fresh = createMemoryStore();
    await fresh.write([
      { kind: "putConversation", conversation: { ...direct, appliedSeq: 5 } },
      { kind: "putConversation", conversation: { ...group, title: "", appliedSeq: 4 } },
    ]);
    const first = await historyWrites(fresh, "alice@instagram", bundle);
    await fresh.write(first.writes);
    expect((await fresh.listMessages(direct.id)).map((m) => [m.text, m.outgoing])).toEqual([
      ["old", false],
      ["recent", true],
    ]);
    expect((await fresh.getConversation(group.id))?.title).toBe("Trip");
    const again = await historyWrites(fresh, "alice@instagram", bundle);
    expect(again.messages).toEqual([]);
  });

  it("skip conversations the new device is not in", async () => {
    const { store, direct } = await approvingStore();
    const bundle = await buildHistoryBundle(store, [{ conversation: direct, beforeSeq: 5 }], "all", NOW);
    const result = await historyWrites(createMemoryStore(), "alice@instagram", bundle);
    expect(result.skipped).toEqual([direct.id]);
    expect(result.writes).toEqual([]);
  });

  it("[XP4] carry each message's expiry: a disappearing message disappears on the new device too", async () => {
    const store = createMemoryStore();
    const direct = conversation("aa".repeat(16));
    const expiring = { ...message(direct.id, 1, "gone soon", 0), expiresAt: NOW + 60_000 };
    await store.write([
      { kind: "putConversation", conversation: direct },
      { kind: "putMessage", message: expiring },
      { kind: "putMessage", message: message(direct.id, 2, "kept", 0) },
    ]);
    const bundle = await buildHistoryBundle(store, [{ conversation: direct, beforeSeq: 5 }], "all", NOW);
    const fresh = createMemoryStore();
    await fresh.write([{ kind: "putConversation", conversation: direct }]);
    const shown = await historyWrites(fresh, "alice@instagram", joinChunks(chunkBundle("b", bundle))!);
    expect(shown.messages.map((m) => [m.text, m.expiresAt])).toEqual([
      ["gone soon", NOW + 60_000],
      ["kept", null],
    ]);
  });
});

describe("device changes", () => {
  const m = (address: string, deviceId: string) => ({
    address,
    deviceId,
    leafIndex: 0,
    signaturePublicKey: new Uint8Array(),
  });
  it("report devices added and removed for accounts that stay, not accounts joining or leaving", () => {
    const before = [m("alice", "a1"), m("bob", "b1"), m("bob", "b2"), m("carol", "c1")];
    const after = [m("alice", "a1"), m("alice", "a2"), m("bob", "b1"), m("dave", "d1")];
    expect(deviceChanges(before, after)).toEqual([
      { address: "alice", added: ["a2"], removed: [] },
      { address: "bob", added: [], removed: ["b2"] },
    ]);
  });
});
