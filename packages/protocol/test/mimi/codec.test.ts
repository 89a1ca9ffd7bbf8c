/** The MIMI content codec on arbitrary values and arbitrary bytes (fast-check). */
import fc from "fast-check";
import { encode } from "cborg";
import { describe, expect, it } from "vitest";
import {
  Cardinality,
  decodeMimiContent,
  encodeMimiContent,
  MIMI_LIMITS,
  type MimiContent,
  type NestedPart,
} from "../../src/index.js";

const bytes = (n?: number) =>
  n === undefined ? fc.uint8Array({ maxLength: 64 }) : fc.uint8Array({ minLength: n, maxLength: n });
const header = { disposition: fc.integer({ min: 0, max: 255 }), language: fc.string({ maxLength: 8 }) };

const part: fc.Arbitrary<NestedPart> = fc.letrec<{ part: NestedPart }>((tie) => ({
  part: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ ...header, cardinality: fc.constant(Cardinality.nullPart) }),
    fc.record({
      ...header,
      cardinality: fc.constant(Cardinality.single),
      contentType: fc.string(),
      content: bytes(),
    }),
    fc.record({
      ...header,
      cardinality: fc.constant(Cardinality.external),
      contentType: fc.string(),
      url: fc.webUrl(),
      expires: fc.integer({ min: 0, max: 0xffff_ffff }),
      size: fc.maxSafeNat(),
      encAlg: fc.integer({ min: 0, max: 0xffff }),
      key: bytes(16),
      nonce: bytes(12),
      aad: bytes(),
      hashAlg: fc.integer({ min: 0, max: 255 }),
      contentHash: bytes(32),
      description: fc.string(),
      filename: fc.string(),
    }),
    fc.record({
      ...header,
      cardinality: fc.constant(Cardinality.multi),
      partSemantics: fc.integer({ min: 0, max: 2 }),
      parts: fc.array(tie("part"), { minLength: 2, maxLength: 3 }),
    }),
  ),
})).part;

function depth(p: NestedPart): number {
  return p.cardinality === Cardinality.multi ? 1 + Math.max(...p.parts.map(depth)) : 1;
}

const extensionValue = fc.oneof(
  fc.string(),
  fc.integer(),
  bytes(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(null),
);

const content: fc.Arbitrary<MimiContent> = fc.record({
  salt: bytes(16),
  replaces: fc.option(bytes(32), { nil: null }),
  topicId: bytes(),
  expires: fc.option(fc.record({ relative: fc.boolean(), time: fc.integer({ min: 0, max: 0xffff_ffff }) }), {
    nil: null,
  }),
  inReplyTo: fc.option(bytes(32), { nil: null }),
  extensions: fc
    .array(
      fc.tuple(
        fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ minLength: 1, maxLength: 12 })),
        extensionValue,
      ),
      { maxLength: 4 },
    )
    .map((entries) => new Map<number | string, unknown>(entries)),
  body: part.filter((p) => depth(p) <= MIMI_LIMITS.maxDepth),
});

describe("MIMI content codec", () => {
  it("decodes what it encodes, and encodes it again to the same bytes", () => {
    fc.assert(
      fc.property(content, (c) => {
        const encoded = encodeMimiContent(c);
        const decoded = decodeMimiContent(encoded);
        if (!decoded.ok) throw new Error(decoded.reason);
        expect(decoded.value.extensions).toEqual(c.extensions);
        expect(Buffer.from(encodeMimiContent(decoded.value)).equals(Buffer.from(encoded))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("answers any bytes with a value or a reason, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (junk) => {
        const decoded = decodeMimiContent(junk);
        expect(typeof decoded.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  it("answers damaged messages with a value or a reason, never a throw", () => {
    fc.assert(
      fc.property(content, fc.nat(), fc.integer({ min: 0, max: 255 }), (c, at, byte) => {
        const encoded = encodeMimiContent(c).slice();
        encoded[at % encoded.length] = byte;
        const decoded = decodeMimiContent(encoded);
        expect(typeof decoded.ok).toBe("boolean");
      }),
      { numRuns: 1000 },
    );
  });

  const plain: MimiContent = {
    salt: new Uint8Array(16),
    replaces: null,
    topicId: new Uint8Array(),
    expires: null,
    inReplyTo: null,
    extensions: new Map(),
    body: {
      disposition: 1,
      language: "",
      cardinality: Cardinality.single,
      contentType: "text/plain",
      content: new Uint8Array([104, 105]),
    },
  };
  const raw = (body: unknown, extensions: unknown = new Map()) =>
    encode([plain.salt, null, plain.topicId, null, null, extensions, body]);

  it("[CT1] refuses extension maps not in RFC 8949 deterministic key order", () => {
    // cborg's default sorts maps length-first (RFC 7049 "canonical"), which the draft forbids:
    // key "b" (1 byte) before 10 (1 byte, 0x0a) bytewise, but "b" is 0x61 0x62.
    const bad = encode(
      [
        plain.salt,
        null,
        plain.topicId,
        null,
        null,
        new Map<unknown, unknown>([
          ["b", 1],
          [10, 2],
        ]),
        [0, "", 0],
      ],
      {
        mapSorter: () => 0,
      },
    );
    const decoded = decodeMimiContent(bad);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(/deterministic/);
  });

  it("[CT1] refuses body parts nested more than 4 deep, and more than 1,024 parts", () => {
    const single = [1, "", 1, "text/plain", new Uint8Array()];
    let nested: unknown = single;
    for (let i = 0; i < 4; i++) nested = [1, "", 3, 2, [nested, single]];
    const deep = decodeMimiContent(raw(nested));
    expect(deep).toMatchObject({ ok: false, reason: expect.stringMatching(/nested more than 4/) });
    const wide = decodeMimiContent(raw([1, "", 3, 2, Array.from({ length: 1025 }, () => single)]));
    expect(wide).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 1024/) });
  });

  it("refuses a wrong-sized salt or message id, and extension values nested past 4 levels", () => {
    expect(
      decodeMimiContent(
        encode([new Uint8Array(15), null, new Uint8Array(), null, null, new Map(), [1, "", 0]]),
      ).ok,
    ).toBe(false);
    expect(
      decodeMimiContent(
        encode([plain.salt, new Uint8Array(31), new Uint8Array(), null, null, new Map(), [1, "", 0]]),
      ).ok,
    ).toBe(false);
    const tooDeep = new Map([[256, [[[["x"]]]]]]);
    expect(decodeMimiContent(raw([1, "", 0], tooDeep))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/extension/),
    });
    expect(decodeMimiContent(raw([1, "", 0], new Map([[256, [["x"]]]]))).ok).toBe(true);
  });
});
