/**
 * [CM8] The per-message encodings the ts-mls patch writes in place (vector
 * headers, the FramedContentTBS inside its SignContent, a tree secret's
 * generation, the AADs of a message's two AEAD seals) are byte for byte
 * ts-mls's encoder composition (RFC 9420 §2.1.2, §5.1.2, §6.1, §6.3, §9.1),
 * and a signature over them is still checked.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GroupContext, Kdf, Signature } from "ts-mls";
import { uint32Encoder } from "ts-mls/codec/number.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import {
  lengthEncoder,
  lengthFieldSize,
  varLenDataEncoder,
  writeLengthField,
} from "ts-mls/codec/variableLength.js";
import { deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js";
import {
  encodeFramedContentTBS,
  signFramedContentTBS,
  verifyFramedContentSignature,
} from "ts-mls/framedContent.js";
import type { FramedContentTBS } from "ts-mls/framedContent.js";
import {
  encodePrivateContentAAD,
  encodeSenderDataAADBytes,
  privateContentAADEncoder,
} from "ts-mls/privateMessage.js";
import { senderDataAADEncoder } from "ts-mls/sender.js";
import { nodeEd25519 } from "../../src/crypto/nodeEd25519.js";

const CONTEXT: GroupContext = {
  version: "mls10",
  cipherSuite: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
  groupId: new Uint8Array(16).fill(1),
  epoch: 3n,
  treeHash: new Uint8Array(32).fill(9),
  confirmedTranscriptHash: new Uint8Array(32).fill(4),
  extensions: [],
};

// Up to 20,000 bytes: vectors with 1-, 2- and 4-byte headers (64 and 16,384 are the boundaries).
const applicationData = fc.oneof(
  fc.uint8Array({ maxLength: 100 }),
  fc.uint8Array({ minLength: 16_380, maxLength: 16_390 }),
  fc.uint8Array({ maxLength: 20_000 }),
);

function applicationTbs(
  data: Uint8Array,
  leafIndex: number,
  authenticatedData: Uint8Array,
): FramedContentTBS {
  return {
    protocolVersion: "mls10",
    wireformat: "mls_private_message",
    content: {
      groupId: CONTEXT.groupId,
      epoch: CONTEXT.epoch,
      sender: { senderType: "member", leafIndex },
      authenticatedData,
      contentType: "application",
      applicationData: data,
    },
    senderType: "member",
    context: CONTEXT,
  };
}

/** A Signature that records what it is asked to sign or verify. */
function recording(): { signature: Signature; seen: Uint8Array[] } {
  const seen: Uint8Array[] = [];
  return {
    seen,
    signature: {
      async sign(_k: Uint8Array, m: Uint8Array) {
        seen.push(m.slice());
        return new Uint8Array(64);
      },
      async verify(_k: Uint8Array, m: Uint8Array) {
        seen.push(m.slice());
        return true;
      },
    } as unknown as Signature,
  };
}

describe("[CM8] encodings written in place", () => {
  it("[CM8] a vector header written in place is the one ts-mls's lengthEncoder writes", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat(70), fc.integer({ min: 16_000, max: 17_000 }), fc.nat(2 ** 30 - 1)),
        (len) => {
          const out = new Uint8Array(6).fill(0xee);
          const end = writeLengthField(out, 1, len);
          const [size, write] = lengthEncoder(len);
          const expected = new ArrayBuffer(size + 1);
          write(1, expected);
          expect(lengthFieldSize(len)).toBe(size);
          expect(end).toBe(1 + size);
          expect(out.subarray(1, end)).toEqual(new Uint8Array(expected, 1));
          expect(out[0]).toBe(0xee); // nothing written before the offset
        },
      ),
      { numRuns: 500 },
    );
    expect(() => lengthFieldSize(2 ** 30)).toThrow();
  });

  it("[CM8] a FramedContentTBS is signed and verified as SignContent over ts-mls's own TBS encoding", async () => {
    await fc.assert(
      fc.asyncProperty(
        applicationData,
        fc.nat(2000),
        fc.uint8Array({ maxLength: 70 }),
        async (data, leaf, aad) => {
          const tbs = applicationTbs(data, leaf, aad);
          const { signature, seen } = recording();
          await signFramedContentTBS(new Uint8Array(32), tbs, signature);
          await verifyFramedContentSignature(
            new Uint8Array(32),
            "mls_private_message",
            tbs.content,
            { contentType: "application", signature: new Uint8Array(64) },
            CONTEXT,
            signature,
          );
          // SignContent as ts-mls's encoders compose it, around ts-mls's own TBS encoding.
          const expected = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))([
            new TextEncoder().encode("MLS 1.0 FramedContentTBS"),
            encodeFramedContentTBS(tbs),
          ]);
          expect(seen).toEqual([expected, expected]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("[CM8] a forged or moved signature is still refused; the right one verifies", async () => {
    const { signKey, publicKey } = await nodeEd25519.keygen();
    const tbs = applicationTbs(new TextEncoder().encode("hello"), 5, new Uint8Array(0));
    const other = applicationTbs(new TextEncoder().encode("hellp"), 5, new Uint8Array(0));
    const signature = await signFramedContentTBS(signKey, tbs, nodeEd25519);
    const auth = (s: Uint8Array) => ({ contentType: "application" as const, signature: s });
    const verify = (content: FramedContentTBS["content"], s: Uint8Array, context = CONTEXT) =>
      verifyFramedContentSignature(publicKey, "mls_private_message", content, auth(s), context, nodeEd25519);
    expect(await verify(tbs.content, signature)).toBe(true);
    const forged = signature.slice();
    forged[10]! ^= 1;
    expect(await verify(tbs.content, forged)).toBe(false);
    // The same signature over other content, another sender, or in another epoch's context.
    expect(await verify(other.content, signature)).toBe(false);
    expect(await verify({ ...tbs.content, sender: { senderType: "member", leafIndex: 6 } }, signature)).toBe(
      false,
    );
    expect(await verify(tbs.content, signature, { ...CONTEXT, epoch: 4n })).toBe(false);
  });

  it("[CM8] a tree secret's generation context is the uint32 ts-mls encodes", async () => {
    let info: Uint8Array = new Uint8Array(0);
    const kdf = {
      size: 32,
      async expand(_prk: Uint8Array, i: Uint8Array) {
        info = i;
        return new Uint8Array(0);
      },
    } as unknown as Kdf;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.nat(300), fc.nat(0xffffffff)), async (generation) => {
        await deriveTreeSecret(new Uint8Array(32), "key", generation, 16, kdf);
        const got = info;
        await expandWithLabel(new Uint8Array(32), "key", encode(uint32Encoder)(generation), 16, kdf);
        expect(got).toEqual(info);
      }),
      { numRuns: 200 },
    );
  });
});

describe("[CM8] AADs written by hand", () => {
  // Vectors across the 1-, 2- and 4-byte length prefixes, mostly short.
  const vector = fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 70 }), weight: 20 },
    { arbitrary: fc.uint8Array({ minLength: 60, maxLength: 300 }), weight: 5 },
    { arbitrary: fc.uint8Array({ minLength: 16_383, maxLength: 16_385 }), weight: 1 },
  );
  const aad = fc.record({
    groupId: vector,
    epoch: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    contentType: fc.constantFrom("application" as const, "proposal" as const, "commit" as const),
    authenticatedData: vector,
  });

  it("[CM8] PrivateContentAAD and SenderDataAAD are the bytes ts-mls's encoders give", () => {
    fc.assert(
      fc.property(aad, (a) => {
        expect(encodePrivateContentAAD(a)).toEqual(encode(privateContentAADEncoder)(a));
        const senderAad = { groupId: a.groupId, epoch: a.epoch, contentType: a.contentType };
        expect(encodeSenderDataAADBytes(senderAad)).toEqual(encode(senderDataAADEncoder)(senderAad));
      }),
      { numRuns: 200 },
    );
  });
});
