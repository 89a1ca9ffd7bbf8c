/**
 * MIMI content <-> CBOR. Encoding is RFC 8949 §4.2.1 deterministic (the
 * draft's §8.1: shortest forms, definite lengths, map keys sorted bytewise),
 * through cborg, never by hand. Decoding checks the draft's data model and
 * depth limits and refuses any input that is not itself deterministic, by
 * re-encoding what it read and comparing the bytes: one message, one
 * encoding, one message id.
 */
import { Tagged, decode, encode, rfc8949EncodeOptions } from "cborg";
import { equalBytes } from "../bytes.js";
import {
  Cardinality,
  MIMI_LIMITS,
  type Expiration,
  type ExtensionValue,
  type MimiContent,
  type NestedPart,
} from "./content.js";

export type MimiDecoded = { ok: true; value: MimiContent } | { ok: false; reason: string };

class MimiFormatError extends Error {}

function fail(reason: string): never {
  throw new MimiFormatError(reason);
}

/** Any tag inside an extension is kept as it came (cborg refuses unknown tags otherwise). */
const PRESERVE_EVERY_TAG = new Proxy([], {
  get: (_target, key) =>
    typeof key === "string" && /^\d+$/.test(key) ? Tagged.decoder(Number(key)) : undefined,
});

const DECODE_OPTIONS = {
  strict: true,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  tags: PRESERVE_EVERY_TAG,
};

export function encodeMimiContent(content: MimiContent): Uint8Array {
  return encode(
    [
      content.salt,
      content.replaces,
      content.topicId,
      content.expires === null ? null : [content.expires.relative, content.expires.time],
      content.inReplyTo,
      content.extensions,
      partToCbor(content.body),
    ],
    rfc8949EncodeOptions,
  );
}

function partToCbor(part: NestedPart): unknown[] {
  const head = [part.disposition, part.language, part.cardinality];
  switch (part.cardinality) {
    case Cardinality.nullPart:
      return head;
    case Cardinality.single:
      return [...head, part.contentType, part.content];
    case Cardinality.external:
      return [
        ...head,
        part.contentType,
        part.url,
        part.expires,
        part.size,
        part.encAlg,
        part.key,
        part.nonce,
        part.aad,
        part.hashAlg,
        part.contentHash,
        part.description,
        part.filename,
      ];
    case Cardinality.multi:
      return [...head, part.partSemantics, part.parts.map(partToCbor)];
  }
}

export function decodeMimiContent(bytes: Uint8Array): MimiDecoded {
  let raw: unknown;
  try {
    raw = decode(bytes, DECODE_OPTIONS);
  } catch (err) {
    return { ok: false, reason: `not CBOR: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const value = contentFromCbor(raw);
    if (!equalBytes(encodeMimiContent(value), bytes))
      return { ok: false, reason: "not deterministic CBOR (RFC 8949 §4.2.1)" };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof MimiFormatError) return { ok: false, reason: err.message };
    throw err;
  }
}

function contentFromCbor(raw: unknown): MimiContent {
  const fields = array(raw, "mimiContent", 7);
  const salt = bytes(fields[0], "salt");
  if (salt.length !== MIMI_LIMITS.saltBytes) fail(`salt must be ${MIMI_LIMITS.saltBytes} bytes`);
  const topicId = bytes(fields[2], "topicId");
  if (topicId.length > MIMI_LIMITS.maxTopicIdBytes) fail("topicId is too long");
  const counter = { parts: 0 };
  return {
    salt,
    replaces: messageIdOrNull(fields[1], "replaces"),
    topicId,
    expires: expiration(fields[3]),
    inReplyTo: messageIdOrNull(fields[4], "inReplyTo"),
    extensions: extensions(fields[5]),
    body: partFromCbor(fields[6], 1, counter),
  };
}

function partFromCbor(raw: unknown, depth: number, counter: { parts: number }): NestedPart {
  if (depth > MIMI_LIMITS.maxDepth) fail(`body parts nested more than ${MIMI_LIMITS.maxDepth} deep`);
  if (++counter.parts > MIMI_LIMITS.maxParts) fail(`more than ${MIMI_LIMITS.maxParts} body parts`);
  if (!Array.isArray(raw) || raw.length < 3)
    fail("a body part must be an array [disposition, language, ...]");
  const fields = raw as unknown[];
  const disposition = uint(fields[0], "disposition", 255);
  const language = text(fields[1], "language");
  const cardinality = uint(fields[2], "cardinality", 255);
  const head = { disposition, language };
  switch (cardinality) {
    case Cardinality.nullPart:
      array(fields, "null part", 3);
      return { ...head, cardinality };
    case Cardinality.single:
      array(fields, "single part", 5);
      return {
        ...head,
        cardinality,
        contentType: text(fields[3], "contentType"),
        content: bytes(fields[4], "content"),
      };
    case Cardinality.external:
      array(fields, "external part", 15);
      return {
        ...head,
        cardinality,
        contentType: text(fields[3], "contentType"),
        url: text(fields[4], "url"),
        expires: uint(fields[5], "expires", 0xffff_ffff),
        size: uint(fields[6], "size", Number.MAX_SAFE_INTEGER),
        encAlg: uint(fields[7], "encAlg", 0xffff),
        key: bytes(fields[8], "key"),
        nonce: bytes(fields[9], "nonce"),
        aad: bytes(fields[10], "aad"),
        hashAlg: uint(fields[11], "hashAlg", 0xff),
        contentHash: bytes(fields[12], "contentHash"),
        description: text(fields[13], "description"),
        filename: text(fields[14], "filename"),
      };
    case Cardinality.multi: {
      array(fields, "multipart", 5);
      const parts = fields[4];
      if (!Array.isArray(parts) || parts.length < 2) fail("a multipart holds at least two parts");
      return {
        ...head,
        cardinality,
        partSemantics: uint(fields[3], "partSemantics", 2),
        parts: parts.map((p) => partFromCbor(p, depth + 1, counter)),
      };
    }
    default:
      return fail(`unknown cardinality ${cardinality}`);
  }
}

function extensions(raw: unknown): Map<number | string, ExtensionValue> {
  if (!(raw instanceof Map)) fail("mimiExtensions must be a map");
  for (const [key, value] of raw as Map<unknown, unknown>) {
    if (typeof key === "string") {
      if (new TextEncoder().encode(key).length > MIMI_LIMITS.maxExtensionKeyBytes)
        fail("an extension name is over 255 bytes");
    } else if (typeof key !== "number" || !Number.isSafeInteger(key)) {
      fail("extension keys are integers or text");
    }
    checkDepth(value, 2);
  }
  return raw as Map<number | string, ExtensionValue>;
}

/** §8.3: tags, maps and arrays at most 4 levels deep, counting the extensions map as level 1. */
function checkDepth(value: unknown, level: number): void {
  const nested =
    value instanceof Map ? [...value.keys(), ...value.values()] : Array.isArray(value) ? value : undefined;
  const inner = value instanceof Tagged ? [value.value] : nested;
  if (inner === undefined) return;
  if (level > MIMI_LIMITS.maxDepth) fail(`an extension is nested more than ${MIMI_LIMITS.maxDepth} deep`);
  for (const v of inner) checkDepth(v, level + 1);
}

function expiration(raw: unknown): Expiration | null {
  if (raw === null) return null;
  const [relative, time] = array(raw, "expires", 2);
  if (typeof relative !== "boolean") fail("expires.relative must be a boolean");
  return { relative, time: uint(time, "expires.time", 0xffff_ffff) };
}

function messageIdOrNull(raw: unknown, what: string): Uint8Array | null {
  if (raw === null) return null;
  const id = bytes(raw, what);
  if (id.length !== MIMI_LIMITS.messageIdBytes)
    fail(`${what} must be a ${MIMI_LIMITS.messageIdBytes}-byte message id`);
  return id;
}

function array(raw: unknown, what: string, length: number): unknown[] {
  if (!Array.isArray(raw) || raw.length !== length) fail(`${what} must be an array of ${length}`);
  return raw as unknown[];
}

function bytes(raw: unknown, what: string): Uint8Array {
  if (!(raw instanceof Uint8Array)) fail(`${what} must be a byte string`);
  return raw;
}

function text(raw: unknown, what: string): string {
  if (typeof raw !== "string") fail(`${what} must be a text string`);
  return raw;
}

function uint(raw: unknown, what: string, max: number): number {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0 || raw > max)
    fail(`${what} must be an integer from 0 to ${max}`);
  return raw;
}
