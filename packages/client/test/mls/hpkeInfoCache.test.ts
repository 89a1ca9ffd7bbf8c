/**
 * The node HPKE provider hashes a large info once per info array (a Welcome
 * seals its encrypted GroupInfo to every new member). Each recipient still
 * opens only with the info it was sealed to, and another array with the
 * same bytes gives the same answer.
 */
import { describe, expect, it } from "vitest";
import { nodeX25519Hpke as hpke } from "../../src/crypto/nodeHpke.js";

describe("HPKE info hash cache (node provider)", () => {
  it("seals one large info to many recipients; each opens it, a changed info does not", async () => {
    const info = crypto.getRandomValues(new Uint8Array(64 * 1024));
    const other = info.slice();
    other[100]! ^= 1;
    const plaintext = new TextEncoder().encode("group secrets");
    for (let i = 0; i < 3; i++) {
      const { publicKey, privateKey } = await hpke.generateKeyPair();
      const { enc, ct } = await hpke.seal(publicKey, plaintext, info, new Uint8Array());
      expect(await hpke.open(privateKey, enc, ct, info.slice(), new Uint8Array())).toEqual(plaintext);
      expect(await hpke.open(privateKey, enc, ct, info, new Uint8Array())).toEqual(plaintext);
      await expect(hpke.open(privateKey, enc, ct, other, new Uint8Array())).rejects.toThrow();
    }
  });
});
