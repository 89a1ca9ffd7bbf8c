/**
 * The IndexedDB LocalStore in Chromium: the whole LocalStore contract, as
 * every adapter runs it, and what key wrapping promises (keyWrap.ts).
 */
import { deleteDB, openDB } from "idb";
import { describe, expect, it } from "vitest";
import { openIndexedDbLocalStore } from "../../../src/store/indexeddb/store.js";
import { generateWrappingKey, keyWrap } from "../../../src/store/indexeddb/keyWrap.js";
import type { LocalStore } from "../../../src/store/port.js";
import { describeLocalStoreContract } from "../../store/contract.js";
import { describeReceiptContract } from "../../store/receiptsContract.js";
import { bytes, conversation, groupState, identity, keyPackage } from "../../store/fixtures.js";

let counter = 0;
const freshName = () => `switchboard-test-${Date.now()}-${++counter}`;

describeReceiptContract("indexeddb", async () => {
  const name = freshName();
  const opened = [await openIndexedDbLocalStore(name)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = await openIndexedDbLocalStore(name);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await deleteDB(name);
    },
  };
});

describeLocalStoreContract("indexeddb", async () => {
  const name = freshName();
  const opened: LocalStore[] = [await openIndexedDbLocalStore(name)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = await openIndexedDbLocalStore(name);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close();
      await deleteDB(name);
    },
  };
});

/** Every value of every record, as raw IndexedDB hands them to anyone who reads the database. */
async function rawDump(name: string): Promise<unknown[]> {
  const db = await openDB(name);
  const out: unknown[] = [];
  for (const storeName of Array.from(db.objectStoreNames))
    out.push(...((await db.getAll(storeName)) as unknown[]));
  db.close();
  return out;
}

function containsBytes(value: unknown, needle: Uint8Array): boolean {
  if (value instanceof Uint8Array) {
    outer: for (let i = 0; i + needle.length <= value.length; i++) {
      for (let j = 0; j < needle.length; j++) if (value[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  }
  if (Array.isArray(value)) return value.some((v) => containsBytes(v, needle));
  if (value !== null && typeof value === "object")
    return Object.values(value as Record<string, unknown>).some((v) => containsBytes(v, needle));
  return false;
}

const LINK_KEY = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";

describe("IndexedDB key wrapping", () => {
  it("no private key, key package secret, group state or meta value is stored in the clear, and the store reads them back", async () => {
    const name = freshName();
    const store = await openIndexedDbLocalStore(name);
    // Random, so no other field of the fixtures can contain them by chance.
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const [seed, privateState, stateBytes] = [random(32), random(48), random(200)];
    await store.write([
      { kind: "identity", identity: identity({ signaturePrivateKey: seed }) },
      { kind: "putKeyPackages", keyPackages: [keyPackage("kp", { privateState })] },
      {
        kind: "putConversation",
        conversation: conversation("c1", {
          groupState: { version: "v", parts: new Map([["core", stateBytes]]) },
        }),
      },
      // As the SDK keeps a linking device's X25519 private key.
      { kind: "setMeta", key: "link.hpkePrivateKey", value: LINK_KEY },
    ]);
    const dump = await rawDump(name);
    const asText = JSON.stringify(dump, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
    expect(asText).not.toContain(LINK_KEY.slice(0, 16));
    expect(await store.getMeta("link.hpkePrivateKey")).toBe(LINK_KEY);
    for (const secret of [seed, privateState, stateBytes])
      expect(containsBytes(dump, secret.subarray(0, 16))).toBe(false);
    expect([...(await store.getIdentity())!.signaturePrivateKey]).toEqual([...seed]);
    expect([...(await store.getKeyPackage("kp"))!.privateState]).toEqual([...privateState]);
    expect([...(await store.getConversation("c1"))!.groupState.parts.get("core")!]).toEqual([...stateBytes]);
    await store.close();
    await deleteDB(name);
  });

  it("the wrapping key in IndexedDB is a non-extractable AES-GCM CryptoKey that exportKey refuses", async () => {
    const name = freshName();
    const store = await openIndexedDbLocalStore(name);
    await store.close();
    const db = await openDB(name);
    const key = (await db.get("keys", "wrap")) as CryptoKey;
    db.close();
    expect(key).toBeInstanceOf(CryptoKey);
    expect(key.extractable).toBe(false);
    expect(key.algorithm.name).toBe("AES-GCM");
    await expect(crypto.subtle.exportKey("raw", key)).rejects.toThrow();
    // Reopening uses the same key: what was sealed still opens.
    const again = await openIndexedDbLocalStore(name);
    await again.write([{ kind: "identity", identity: identity() }]);
    await again.close();
    const third = await openIndexedDbLocalStore(name);
    expect((await third.getIdentity())?.address).toBe(identity().address);
    await third.close();
    await deleteDB(name);
  });

  it("a sealed value moved to another record does not open", async () => {
    const name = freshName();
    const store = await openIndexedDbLocalStore(name);
    await store.write([
      { kind: "putConversation", conversation: conversation("c1", { groupState: groupState(1, 10) }) },
      { kind: "putConversation", conversation: conversation("c2", { groupState: groupState(2, 10) }) },
    ]);
    // [ST43] a part is sealed to its conversation and key.
    const db = await openDB(name);
    const c1 = (await db.get("groupStateParts", ["c1", "core"])) as { sealed: Uint8Array };
    const c2 = (await db.get("groupStateParts", ["c2", "core"])) as Record<string, unknown>;
    await db.put("groupStateParts", { ...c2, sealed: c1.sealed });
    db.close();
    // Read from disk by a store opened afterwards: the one that wrote keeps the states it wrote (WB25).
    await store.close();
    const reopened = await openIndexedDbLocalStore(name);
    await expect(reopened.getConversation("c2")).rejects.toThrow();
    expect([...(await reopened.getConversation("c1"))!.groupState.parts.get("core")!]).toEqual([
      ...bytes(1, 10),
    ]);
    await reopened.close();
    await deleteDB(name);
  });

  it("[ST44] a version-4 database's group state moves, still sealed, to a v1 part", async () => {
    const name = freshName();
    const key = await generateWrappingKey();
    const blob = bytes(9, 300);
    const { groupState: _parts, ...fields } = conversation("c1");
    const old = await openDB(name, 4, {
      upgrade(db) {
        db.createObjectStore("identity");
        db.createObjectStore("keyPackages", { keyPath: "ref" });
        db.createObjectStore("conversations", { keyPath: "id" });
        db.createObjectStore("messages", { keyPath: ["conversationId", "id"] }).createIndex("logOrder", [
          "conversationId",
          "seq",
        ]);
        db.createObjectStore("outbox", { keyPath: "clientMessageId" });
        db.createObjectStore("meta");
        db.createObjectStore("keys");
        db.createObjectStore("reactions", { keyPath: ["conversationId", "messageId", "senderAddress"] });
        db.createObjectStore("receipts", { keyPath: ["conversationId", "messageId", "address"] });
      },
    });
    await old.put("keys", key, "wrap");
    await old.put("conversations", {
      ...fields,
      groupState: await keyWrap(key).seal(blob, "conversation/c1"),
    });
    old.close();
    const store = await openIndexedDbLocalStore(name);
    const read = (await store.getConversation("c1"))!;
    expect(read.groupState).toEqual({ version: "v1:c1", parts: new Map([["v1", blob]]) });
    expect({ ...read, groupState: undefined }).toEqual({ ...fields, groupState: undefined });
    // Its next save replaces it with parts.
    await store.write([
      { kind: "putConversation", conversation: { ...read, groupState: groupState(4, 20) } },
    ]);
    expect((await store.getConversation("c1"))!.groupState).toEqual(groupState(4, 20));
    await store.close();
    await deleteDB(name);
  });
});
