/** LS5: byte fields round-trip exactly, and stored values are the store's own copies. */
import { describe, expect, it } from "vitest";
import type { LocalStore } from "../../../src/store/port.js";
import { bytes, conversation, identity, keyPackage, message, outboxItem } from "../fixtures.js";
import type { ContractContext } from "./context.js";

/** A 5-byte window in the middle of a larger buffer: only the window may be stored. */
function window(): Uint8Array {
  return bytes(0xf0, 64).subarray(10, 15);
}

async function readAllBytes(store: LocalStore): Promise<Uint8Array[]> {
  const id = await store.getIdentity();
  const kp = await store.getKeyPackage("kp");
  const conv = await store.getConversation("c1");
  const [item] = await store.listOutbox();
  return [
    id!.signaturePublicKey,
    id!.signaturePrivateKey,
    kp!.publicMessage,
    kp!.privateState,
    conv!.groupState.parts.get("core")!,
    item!.payload,
  ];
}

export function describeBytes(ctx: ContractContext): void {
  describe("bytes and copies", () => {
    it("[LS5] every byte value, empty arrays, large arrays and views round-trip exactly", async () => {
      const store = ctx.store();
      const written = [
        bytes(0, 256),
        new Uint8Array(0),
        bytes(7, 64 * 1024),
        new Uint8Array(0),
        window(),
        bytes(128, 256),
      ];
      const [publicKey, privateKey, publicMessage, privateState, groupState, payload] = written;
      await store.write([
        {
          kind: "identity",
          identity: identity({ signaturePublicKey: publicKey!, signaturePrivateKey: privateKey! }),
        },
        {
          kind: "putKeyPackages",
          keyPackages: [keyPackage("kp", { publicMessage: publicMessage!, privateState: privateState! })],
        },
        {
          kind: "putConversation",
          conversation: conversation("c1", {
            groupState: { version: "w", parts: new Map([["core", groupState!]]) },
          }),
        },
        { kind: "putOutbox", item: outboxItem("o1", "c1", { payload: payload! }) },
      ]);
      const read = await readAllBytes(store);
      expect(read.map((b) => [...b])).toEqual(written.map((b) => [...b]));
      expect(read[4]).toEqual(new Uint8Array([0xfa, 0xfb, 0xfc, 0xfd, 0xfe]));
    });

    it("[LS5] byte fields come back as plain Uint8Array, not Node Buffer", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "identity", identity: identity() },
        { kind: "putKeyPackages", keyPackages: [keyPackage("kp")] },
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putOutbox", item: outboxItem("o1", "c1") },
      ]);
      for (const read of await readAllBytes(store))
        expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
    });

    it("[LS5] changing what was written, after write, does not change what is stored", async () => {
      const store = ctx.store();
      const id = identity();
      const kp = keyPackage("kp");
      const conv = conversation("c1");
      const msg = message("c1", "m1");
      const item = outboxItem("o1", "c1");
      await store.write([
        { kind: "identity", identity: id },
        { kind: "putKeyPackages", keyPackages: [kp] },
        { kind: "putConversation", conversation: conv },
        { kind: "putMessage", message: msg },
        { kind: "putOutbox", item },
      ]);
      // What the SDK does with used secrets: zero them in place.
      id.signaturePrivateKey.fill(0);
      kp.privateState.fill(0);
      conv.groupState.parts.get("core")!.fill(0);
      conv.participants.push("mallory@instagram");
      conv.epoch = 1000;
      msg.text = "edited behind the store's back";
      item.payload.fill(0);

      expect(await store.getIdentity()).toEqual(identity());
      expect(await store.getKeyPackage("kp")).toEqual(keyPackage("kp"));
      expect(await store.getConversation("c1")).toEqual(conversation("c1"));
      expect(await store.listMessages("c1")).toEqual([message("c1", "m1")]);
      expect(await store.listOutbox()).toEqual([outboxItem("o1", "c1")]);
    });

    it("[LS5] changing what was read does not change what is stored", async () => {
      const store = ctx.store();
      await store.write([
        { kind: "identity", identity: identity() },
        { kind: "putKeyPackages", keyPackages: [keyPackage("kp")] },
        { kind: "putConversation", conversation: conversation("c1") },
        { kind: "putMessage", message: message("c1", "m1") },
        { kind: "putOutbox", item: outboxItem("o1", "c1") },
      ]);
      for (const read of await readAllBytes(store)) read.fill(0);
      const [listed] = await store.listConversations();
      listed!.participants.length = 0;
      listed!.groupState.parts.get("core")!.fill(1);
      const [msg] = await store.listMessages("c1");
      msg!.seq = 999;

      expect(await store.getIdentity()).toEqual(identity());
      expect(await store.getKeyPackage("kp")).toEqual(keyPackage("kp"));
      expect(await store.getConversation("c1")).toEqual(conversation("c1"));
      expect(await store.listMessages("c1")).toEqual([message("c1", "m1")]);
      expect(await store.listOutbox()).toEqual([outboxItem("o1", "c1")]);
    });
  });
}
