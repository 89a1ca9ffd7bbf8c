/**
 * The codec is the edge where bytes become typed values (DESIGN rule 6):
 * everything encoded decodes to itself, and no input, however broken or
 * large, makes a decoder throw.
 */
import { equals } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ClientFrameSchema,
  ContentSchema,
  LIMITS,
  RequestSchema,
  SendMessageRequestSchema,
  ServerFrameSchema,
  ServerHelloSchema,
  TextSchema,
  create,
  decodeClientFrame,
  decodeContent,
  decodeServerFrame,
  encodeClientFrame,
  encodeContent,
  encodeServerFrame,
  type Decoded,
} from "../src/index.js";
import { clientFrame, content, serverFrame } from "./arbitraries.js";

const decoders = [
  { name: "decodeClientFrame", decode: decodeClientFrame, limit: LIMITS.maxFrameBytes },
  { name: "decodeServerFrame", decode: decodeServerFrame, limit: LIMITS.maxFrameBytes },
  { name: "decodeContent", decode: decodeContent, limit: LIMITS.maxMessageBytes },
] as const;

/** A refusal is one of the two codes, with a reason to log. */
function expectWellFormed(result: Decoded<unknown>, allowed: readonly string[] = ["BAD_FRAME"]): void {
  if (result.ok) return;
  expect(allowed).toContain(result.code);
  expect(result.reason.length).toBeGreaterThan(0);
}

/** Flip bytes of `bytes` at the given positions (wrapped into range). */
function mutate(bytes: Uint8Array, flips: { at: number; xor: number }[]): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return out;
  for (const { at, xor } of flips) out[at % out.length]! ^= xor;
  return out;
}

const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), {
  minLength: 1,
  maxLength: 8,
});

/** Grow one variable-length field until `encode(build(n))` is exactly `size` bytes. */
function encodedOfSize(size: number, build: (fieldLength: number) => Uint8Array): Uint8Array {
  let fieldLength = size;
  for (let attempt = 0; attempt < 4; attempt++) {
    const bytes = build(fieldLength);
    if (bytes.byteLength === size) return bytes;
    fieldLength += size - bytes.byteLength;
  }
  throw new Error(`could not build an encoding of exactly ${size} bytes`);
}

const sizedClientFrame = (size: number) =>
  encodedOfSize(size, (n) =>
    encodeClientFrame(
      create(ClientFrameSchema, {
        body: {
          case: "request",
          value: create(RequestSchema, {
            id: 7n,
            op: {
              case: "sendMessage",
              value: create(SendMessageRequestSchema, {
                conversationId: "c",
                clientMessageId: "m",
                payload: new Uint8Array(n).fill(0xab),
                epoch: 2n,
              }),
            },
          }),
        },
      }),
    ),
  );

const sizedServerFrame = (size: number) =>
  encodedOfSize(size, (n) =>
    encodeServerFrame(
      create(ServerFrameSchema, {
        body: {
          case: "hello",
          value: create(ServerHelloSchema, {
            protocolVersion: 1,
            challenge: new Uint8Array(n),
            serverTime: 5n,
          }),
        },
      }),
    ),
  );

const sizedContent = (size: number) =>
  encodedOfSize(size, (n) =>
    encodeContent(
      create(ContentSchema, {
        id: "m",
        sentAt: 1n,
        body: { case: "text", value: create(TextSchema, { body: "x".repeat(n) }) },
      }),
    ),
  );

describe("codec round trips", () => {
  it("any ClientFrame decodes to itself and re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(clientFrame, (frame) => {
        const bytes = encodeClientFrame(frame);
        const decoded = decodeClientFrame(bytes);
        if (!decoded.ok) throw new Error(`${decoded.code}: ${decoded.reason}`);
        expect(equals(ClientFrameSchema, decoded.value, frame)).toBe(true);
        expect(encodeClientFrame(decoded.value)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("any ServerFrame decodes to itself", () => {
    fc.assert(
      fc.property(serverFrame, (frame) => {
        const decoded = decodeServerFrame(encodeServerFrame(frame));
        if (!decoded.ok) throw new Error(`${decoded.code}: ${decoded.reason}`);
        expect(equals(ServerFrameSchema, decoded.value, frame)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("any Content decodes to itself", () => {
    fc.assert(
      fc.property(content, (value) => {
        const decoded = decodeContent(encodeContent(value));
        if (!decoded.ok) throw new Error(`${decoded.code}: ${decoded.reason}`);
        expect(equals(ContentSchema, decoded.value, value)).toBe(true);
      }),
    );
  });

  it("an empty frame decodes to a frame with no body, which the caller must refuse itself", () => {
    const decoded = decodeClientFrame(new Uint8Array(0));
    expect(decoded.ok && decoded.value.body.case).toBeUndefined();
  });
});

describe.each(decoders)("$name on hostile input", ({ decode, limit }) => {
  it("never throws on arbitrary bytes, and refuses only with BAD_FRAME", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expectWellFormed(decode(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses broken encodings with BAD_FRAME", () => {
    const broken = [
      [0x0a, 0xff], // a length running past the end
      [0x08], // a varint cut short
      [0x0e], // wire type 6 does not exist
      [0x00, 0x01], // field number 0 is illegal
      [0x0b], // a group that never ends
    ];
    for (const bytes of broken) {
      const result = decode(new Uint8Array(bytes));
      expect(result.ok).toBe(false);
      expectWellFormed(result);
    }
  });

  it("refuses one byte over its limit with TOO_LARGE, before parsing", () => {
    const result = decode(new Uint8Array(limit + 1).fill(0xff));
    expect(result.ok).toBe(false);
    expectWellFormed(result, ["TOO_LARGE"]);
  });
});

describe("size limits", () => {
  const cases = [
    {
      name: "a client frame",
      build: sizedClientFrame,
      decode: decodeClientFrame,
      limit: LIMITS.maxFrameBytes,
    },
    {
      name: "a server frame",
      build: sizedServerFrame,
      decode: decodeServerFrame,
      limit: LIMITS.maxFrameBytes,
    },
    { name: "a content", build: sizedContent, decode: decodeContent, limit: LIMITS.maxMessageBytes },
  ] as const;

  it.each(cases)(
    "$name of exactly the limit decodes; one byte more is TOO_LARGE",
    ({ build, decode, limit }) => {
      expect(decode(build(limit)).ok).toBe(true);
      const over = decode(build(limit + 1));
      expect(over.ok).toBe(false);
      expectWellFormed(over, ["TOO_LARGE"]);
    },
  );
});

describe("mutated valid frames", () => {
  it("client frames with flipped bytes never make the decoder throw, and what decodes re-encodes", () => {
    fc.assert(
      fc.property(clientFrame, flips, (frame, changes) => {
        const result = decodeClientFrame(mutate(encodeClientFrame(frame), changes));
        expectWellFormed(result);
        if (result.ok) encodeClientFrame(result.value);
      }),
      { numRuns: 500 },
    );
  });

  it("server frames with flipped bytes never make the decoder throw", () => {
    fc.assert(
      fc.property(serverFrame, flips, (frame, changes) => {
        expectWellFormed(decodeServerFrame(mutate(encodeServerFrame(frame), changes)));
      }),
      { numRuns: 500 },
    );
  });

  it("every prefix of a valid client frame decodes or is refused, never throws", () => {
    fc.assert(
      fc.property(clientFrame, (frame) => {
        const bytes = encodeClientFrame(frame);
        for (let end = 0; end < bytes.length; end++)
          expectWellFormed(decodeClientFrame(bytes.subarray(0, end)));
      }),
      { numRuns: 100 },
    );
  });
});
