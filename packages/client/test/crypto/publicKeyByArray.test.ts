/**
 * [CM10] A sender's Ed25519 KeyObject is found by its key array (ts-mls
 * passes the leaf's array on every message), and the array's bytes are
 * compared each time: an array changed in place is verified with its new
 * key, never with the one remembered for it.
 */
import { describe, expect, it } from "vitest";
import { nodeEd25519 } from "../../src/crypto/nodeEd25519.js";

describe("[CM10] public keys remembered by array", () => {
  it("[CM10] verifies with the array's current bytes after it is changed in place", async () => {
    const a = await nodeEd25519.keygen();
    const b = await nodeEd25519.keygen();
    const message = new TextEncoder().encode("FramedContentTBS");
    const byA = await nodeEd25519.sign(a.signKey, message);
    const byB = await nodeEd25519.sign(b.signKey, message);
    const key = a.publicKey.slice();
    expect(await nodeEd25519.verify(key, message, byA)).toBe(true);
    expect(await nodeEd25519.verify(key, message, byB)).toBe(false);
    key.set(b.publicKey); // same array, now B's key
    expect(await nodeEd25519.verify(key, message, byA)).toBe(false);
    expect(await nodeEd25519.verify(key, message, byB)).toBe(true);
    key.set(a.publicKey);
    expect(await nodeEd25519.verify(key, message, byA)).toBe(true);
  });

  it("[CM10] a forged signature is refused with a remembered key, and junk keys still fail cleanly", async () => {
    const a = await nodeEd25519.keygen();
    const message = new Uint8Array(1024).fill(0x61);
    const signature = await nodeEd25519.sign(a.signKey, message);
    expect(await nodeEd25519.verify(a.publicKey, message, signature)).toBe(true);
    const forged = signature.slice();
    forged[63]! ^= 0x40;
    expect(await nodeEd25519.verify(a.publicKey, message, forged)).toBe(false);
    const changed = message.slice();
    changed[0] = 0x62;
    expect(await nodeEd25519.verify(a.publicKey, changed, signature)).toBe(false);
    expect(await nodeEd25519.verify(new Uint8Array(32).fill(0xff), message, signature)).toBe(false);
    expect(await nodeEd25519.verify(a.publicKey.subarray(0, 31), message, signature)).toBe(false);
  });
});
