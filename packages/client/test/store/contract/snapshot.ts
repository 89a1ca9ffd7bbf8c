/**
 * A standard population of a store, and everything readable back from it, so
 * a test can say "nothing changed" (LS1) or "everything survived" (LS6) in one
 * comparison.
 */
import type { LocalStore } from "../../../src/store/port.js";
import { conversation, identity, keyPackage, message, outboxItem, unsent } from "../fixtures.js";

export const SEEDED_REFS = ["kp-one", "kp-two", "kp-last"];
export const SEEDED_META = ["sync.inboxCursor", "device.note"];

export async function seed(store: LocalStore): Promise<void> {
  await store.write([
    { kind: "identity", identity: identity() },
    {
      kind: "putKeyPackages",
      keyPackages: [keyPackage("kp-one"), keyPackage("kp-two"), keyPackage("kp-last", { lastResort: true })],
    },
    { kind: "putConversation", conversation: conversation("c-group") },
    {
      kind: "putConversation",
      conversation: conversation("c-direct", {
        kind: "direct",
        title: "",
        peer: "bob@messenger",
        updatedAt: 1_700_000_009_000,
      }),
    },
    { kind: "putMessage", message: message("c-group", "m-1", { seq: 1 }) },
    { kind: "putMessage", message: message("c-group", "m-2", { seq: 2 }) },
    { kind: "putMessage", message: unsent("c-group", "m-3", 1_700_000_005_000) },
    { kind: "putMessage", message: message("c-direct", "m-4", { seq: 1 }) },
    { kind: "putOutbox", item: outboxItem("m-3", "c-group") },
    { kind: "setMeta", key: "sync.inboxCursor", value: "42" },
    { kind: "setMeta", key: "device.note", value: "" },
  ]);
}

export async function snapshot(store: LocalStore) {
  const conversations = await store.listConversations();
  const messages = await Promise.all(
    conversations.map(async (c) => [c.id, await store.listMessages(c.id)] as const),
  );
  return {
    identity: await store.getIdentity(),
    keyPackages: await Promise.all(SEEDED_REFS.map((ref) => store.getKeyPackage(ref))),
    keyPackageCounts: await store.countKeyPackages(),
    conversations,
    messages,
    outbox: await store.listOutbox(),
    meta: await Promise.all(SEEDED_META.map((key) => store.getMeta(key))),
  };
}
