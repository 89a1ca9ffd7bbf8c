/**
 * [CM13] SignContents are carved from a shared slab, not an ArrayBuffer
 * each: every region is its own (a signature provider that reads the bytes
 * later, as WebCrypto does, still reads what was signed, across slab
 * boundaries), each is wiped once the provider is done with it, and a
 * signature over them is still checked.
 */
import { describe, expect, it } from "vitest";
import type { GroupContext, Signature } from "ts-mls";
import { composeBufferEncoders, encode } from "ts-mls/codec/tlsEncoder.js";
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
import { encodeFramedContentTBS, verifyFramedContentSignature } from "ts-mls/framedContent.js";
import type { FramedContentTBS } from "ts-mls/framedContent.js";

const CONTEXT: GroupContext = {
  version: "mls10",
  cipherSuite: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
  groupId: new Uint8Array(16).fill(1),
  epoch: 9n,
  treeHash: new Uint8Array(32).fill(2),
  confirmedTranscriptHash: new Uint8Array(32).fill(3),
  extensions: [],
};

function signContent(label: string, content: Uint8Array): Uint8Array {
  return encode(composeBufferEncoders([varLenDataEncoder, varLenDataEncoder]))([
    new TextEncoder().encode(`MLS 1.0 ${label}`),
    content,
  ]);
}

/** Reads the message only after a later turn of the event loop, as an asynchronous provider may. */
function lateReader(): { signature: Signature; seen: Map<number, Uint8Array> } {
  const seen = new Map<number, Uint8Array>();
  let next = 0;
  return {
    seen,
    signature: {
      async sign(_k: Uint8Array, m: Uint8Array) {
        const i = next++;
        await new Promise((r) => setTimeout(r, 1));
        seen.set(i, m.slice());
        return new Uint8Array(64);
      },
      async verify(_k: Uint8Array, m: Uint8Array) {
        const i = next++;
        await new Promise((r) => setTimeout(r, 1));
        seen.set(i, m.slice());
        return true;
      },
    } as unknown as Signature,
  };
}

describe("[CM13] SignContent slab", () => {
  it("[CM13] many SignContents pending at once each keep their own bytes, across slab boundaries", async () => {
    const { signature, seen } = lateReader();
    // ~300 KiB in all: several 64 KiB slabs, regions of every size up to the slab's limit and past it.
    const contents = Array.from({ length: 120 }, (_, i) => new Uint8Array((i * 97) % 9000).fill(i));
    await Promise.all(
      contents.map((c, i) =>
        i % 2 === 0
          ? signWithLabel(new Uint8Array(32), "LeafNodeTBS", c, signature)
          : verifyWithLabel(new Uint8Array(32), "LeafNodeTBS", c, new Uint8Array(64), signature),
      ),
    );
    contents.forEach((c, i) => expect(seen.get(i)).toEqual(signContent("LeafNodeTBS", c)));
  });

  it("[CM13] a SignContent is wiped once the provider is done with it (it may hold a plaintext)", async () => {
    const held: Uint8Array[] = [];
    const holding = {
      async sign(_k: Uint8Array, m: Uint8Array) {
        held.push(m);
        expect(m).toEqual(signContent("FramedContentTBS", Uint8Array.of(1, 2, 3)));
        return new Uint8Array(64);
      },
      async verify(_k: Uint8Array, m: Uint8Array) {
        held.push(m);
        expect(m).toEqual(signContent("FramedContentTBS", Uint8Array.of(1, 2, 3)));
        return false;
      },
    } as unknown as Signature;
    const content = Uint8Array.of(1, 2, 3);
    await signWithLabel(new Uint8Array(32), "FramedContentTBS", content, holding);
    expect(
      await verifyWithLabel(new Uint8Array(32), "FramedContentTBS", content, new Uint8Array(64), holding),
    ).toBe(false);
    expect(held).toHaveLength(2);
    for (const m of held) expect(m.every((b) => b === 0)).toBe(true);
    expect(content).toEqual(Uint8Array.of(1, 2, 3)); // the caller's content is its own
  });

  it("[CM13] a FramedContentTBS written into the slab is the TBS ts-mls encodes, while others are pending", async () => {
    const { signature, seen } = lateReader();
    const tbsOf = (i: number): FramedContentTBS => ({
      protocolVersion: "mls10",
      wireformat: "mls_private_message",
      content: {
        groupId: CONTEXT.groupId,
        epoch: CONTEXT.epoch,
        sender: { senderType: "member", leafIndex: i },
        authenticatedData: new Uint8Array(i % 3),
        contentType: "application",
        applicationData: new Uint8Array(1024 + i).fill(i),
      },
      senderType: "member",
      context: CONTEXT,
    });
    const auth = { contentType: "application" as const, signature: new Uint8Array(64) };
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        verifyFramedContentSignature(
          new Uint8Array(32),
          "mls_private_message",
          tbsOf(i).content,
          auth,
          CONTEXT,
          signature,
        ),
      ),
    );
    for (let i = 0; i < 150; i++)
      expect(seen.get(i)).toEqual(signContent("FramedContentTBS", encodeFramedContentTBS(tbsOf(i))));
  });
});
