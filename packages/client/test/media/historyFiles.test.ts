/** [MD14] a linked device's history carries the files of the messages in it. */
import { describe, expect, it } from "vitest";
import type { FileAttachment } from "../../src/content/filePart.js";
import { buildHistoryBundle, chunkBundle, historyWrites, joinChunks } from "../../src/devices/history.js";
import { attachmentWrites, attachmentsOf, decodeAttachments } from "../../src/media/attachmentRecords.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { UNCHANGED_MESSAGE } from "../../src/store/messageDefaults.js";
import type { LocalConversation, LocalMessage } from "../../src/store/port.js";

const NOW = 1_800_000_000_000;
const conversation: LocalConversation = {
  id: "cc".repeat(16),
  kind: "direct",
  title: "",
  peer: "bob@instagram",
  participants: ["alice@instagram", "bob@instagram"],
  groupState: { version: "v", parts: new Map() },
  epoch: 3,
  appliedSeq: 10,
  active: true,
  createdAt: 0,
  updatedAt: 0,
};
const message = (id: string, seq: number, text: string): LocalMessage => ({
  id,
  conversationId: conversation.id,
  seq,
  senderAddress: "bob@instagram",
  senderDeviceId: "d",
  text,
  sentAt: NOW,
  serverTime: NOW,
  outgoing: false,
  ...UNCHANGED_MESSAGE,
});
const photo: FileAttachment = {
  id: "0123456789abcdef0123456789abcdef",
  url: "http://hub/blobs/0123456789abcdef0123456789abcdef",
  name: "cat.png",
  type: "image/png",
  size: 1234,
  key: new Uint8Array(16).fill(1),
  nonce: new Uint8Array(12).fill(2),
  hash: new Uint8Array(32).fill(3),
  expires: 1_900_000_000,
  width: 4,
  height: 3,
  thumbnail: { type: "image/jpeg", bytes: new Uint8Array([1, 2, 3]) },
};

describe("[MD14] history bundles and files", () => {
  it("a new device gets the files of the messages the bundle brings, and texts stay texts", async () => {
    const old = createMemoryStore();
    await old.write([
      { kind: "putConversation", conversation },
      { kind: "putMessage", message: message("m1", 1, "a caption") },
      ...attachmentWrites(conversation.id, "m1", [photo]),
      { kind: "putMessage", message: message("m2", 2, "just text") },
    ]);
    const bundle = await buildHistoryBundle(old, [{ conversation, beforeSeq: 5 }], "all", NOW);
    const fresh = createMemoryStore();
    await fresh.write([{ kind: "putConversation", conversation: { ...conversation, appliedSeq: 5 } }]);
    const { writes } = await historyWrites(fresh, "alice@instagram", joinChunks(chunkBundle("b", bundle))!);
    await fresh.write(writes);
    expect(await attachmentsOf(fresh, conversation.id, "m1")).toEqual([photo]);
    expect(await attachmentsOf(fresh, conversation.id, "m2")).toEqual([]);
  });

  it("malformed files text reads as none", () => {
    expect(decodeAttachments("{not json")).toEqual([]);
    expect(decodeAttachments("")).toEqual([]);
  });
});
