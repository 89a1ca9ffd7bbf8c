/**
 * [CM7] Encodings the ts-mls patch builds by hand or remembers (KDFLabel,
 * SignContent, GroupContext) are byte for byte what ts-mls's own encoder
 * composition gives (RFC 9420 §8, §5.1.2, §8.1): any slip would change every
 * key and signature, and two peers on the same patched code would not see it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GroupContext, Kdf, Signature } from "ts-mls";
import { uint16Encoder } from "ts-mls/codec/number.js";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { expandWithLabel } from "ts-mls/crypto/kdf.js";
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
import { encodeGroupContext } from "ts-mls/groupContext.js";
import { decodeCommit, encodeCommit } from "ts-mls/commit.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { decodeMessageOf } from "../../src/mls/wire.js";
import { Device } from "./fixtures.js";

const labelled = (label: string) => new TextEncoder().encode(`MLS 1.0 ${label}`);
const bytes = fc.uint8Array({ maxLength: 20_000 });
const label = fc.string({ maxLength: 80 });

describe("[CM7] hand-built encodings", () => {
  it("[CM7] KDFLabel equals uint16 length, label and context as ts-mls encodes them", async () => {
    let info: Uint8Array = new Uint8Array(0);
    const kdf = {
      size: 32,
      async expand(_prk: Uint8Array, i: Uint8Array) {
        info = i;
        return new Uint8Array(0);
      },
    } as unknown as Kdf;
    await fc.assert(
      fc.asyncProperty(label, bytes, fc.integer({ min: 0, max: 0xffff }), async (l, context, length) => {
        await expandWithLabel(new Uint8Array(32), l, context, length, kdf);
        const expected = encode(composeBufferEncoders([uint16Encoder, varLenDataEncoder, varLenDataEncoder]))(
          [length, labelled(l), context],
        );
        expect(info).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("[CM7] SignContent equals label and content as ts-mls encodes them, for signing and verifying", async () => {
    const seen: Uint8Array[] = [];
    const signature = {
      async sign(_k: Uint8Array, m: Uint8Array) {
        seen.push(m.slice()); // a copy: the SignContent is wiped once the provider is done (CM13)
        return new Uint8Array(64);
      },
      async verify(_k: Uint8Array, m: Uint8Array) {
        seen.push(m.slice()); // a copy: the SignContent is wiped once the provider is done (CM13)
        return true;
      },
    } as unknown as Signature;
    await fc.assert(
      fc.asyncProperty(label, bytes, async (l, content) => {
        seen.length = 0;
        await signWithLabel(new Uint8Array(32), l, content, signature);
        await verifyWithLabel(new Uint8Array(32), l, content, new Uint8Array(64), signature);
        const expected = encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))([
          labelled(l),
          content,
        ]);
        expect(seen).toEqual([expected, expected]);
      }),
      { numRuns: 200 },
    );
  });

  it("[CM7] a remembered GroupContext encoding is the encoding of that context, and of no other", () => {
    const context: GroupContext = {
      version: "mls10",
      cipherSuite: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
      groupId: new Uint8Array([1, 2, 3]),
      epoch: 7n,
      treeHash: new Uint8Array(32).fill(9),
      confirmedTranscriptHash: new Uint8Array(32).fill(4),
      extensions: [],
    };
    const first = encodeGroupContext(context);
    expect(encodeGroupContext(context)).toEqual(first);
    expect(encodeGroupContext(structuredClone(context))).toEqual(first);
    const next = encodeGroupContext({ ...context, epoch: 8n });
    expect(next).not.toEqual(first);
    expect(next.length).toBe(first.length);
  });

  it("[CM7] a decoded Commit encodes to the bytes it came from, and a copy never encoded gives the same", async () => {
    const engine = await createTsMlsEngine({ crypto: "node" });
    const alice = new Device(engine, "alice@messenger", "deviceA");
    const others = ["b", "c", "d"].map((n) => new Device(engine, `${n}@messenger`, `device${n}`));
    alice.state = (await engine.createGroup(alice.identity, new Uint8Array(16).fill(1))).state;
    const add = await engine.createCommit(alice.identity, alice.state, {
      add: await Promise.all(others.map((d) => d.publish())),
      removeDeviceIds: [],
    });
    alice.state = add.newState;
    // A remove: its UpdatePath encrypts to the copath.
    const remove = await engine.createCommit(alice.identity, alice.state, {
      add: [],
      removeDeviceIds: ["deviceb"],
    });
    const content = decodeMessageOf(remove.commit, "mls_public_message").publicMessage.content;
    if (content.contentType !== "commit") throw new Error("not a commit");
    const fresh = encodeCommit(structuredClone(content.commit));
    expect(encodeCommit(content.commit)).toEqual(fresh);
    expect(decodeCommit(fresh, 0)![1]).toBe(fresh.length);
    expect(encodeCommit(decodeCommit(fresh, 0)![0])).toEqual(fresh);
  });
});
