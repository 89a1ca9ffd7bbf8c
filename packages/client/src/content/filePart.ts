/**
 * A file message in MIMI content (SPEC MD12-MD14): the file is an
 * ExternalPart (draft-ietf-mimi-content §4.4) that names the encrypted blob
 * on the hub and carries its key, nonce and ciphertext hash; a caption is a
 * text part and a preview image a `preview` part beside it, in one
 * `singleUnit` multipart (the three are one thing to show). Dimensions and
 * duration have no field in the draft: they travel in our `sb.media`
 * extension. Pure.
 *
 * How our segmented STREAM construction (media/streamCipher.ts) maps onto
 * the ExternalPart: encAlg is AES-128-GCM (1), `key` the file's 16-byte key,
 * `nonce` the 12-byte base nonce from which each 64 KiB segment's nonce is
 * derived, `aad` empty, hashAlg SHA-256 (1), `contentHash` the SHA-256 of the
 * whole ciphertext as stored at `url`, and `size` the plaintext's length
 * (the ciphertext's follows from it). A reader that knows only the draft
 * sees a well-formed ExternalPart whose ciphertext it cannot open in one
 * AEAD call; the contentType says what the plaintext is.
 */
import {
  Cardinality,
  Disposition,
  ENC_ALG_AES_128_GCM,
  HASH_ALG_SHA_256,
  PartSemantics,
  type ExtensionValue,
  type ExternalPart,
  type MimiContent,
  type NestedPart,
} from "@switchboard/protocol";
import { KEY_BYTES, NONCE_BYTES } from "../media/fileKeySizes.js";
import { SB_MEDIA_EXTENSION } from "./extensions.js";

/** An inline preview travels inside the MLS message: kept small (the whole message is bounded). */
export const MAX_THUMBNAIL_BYTES = 64 * 1024;

/** One attached file, as a message carries it: everything needed to fetch, check and decrypt it. */
export interface FileAttachment {
  /** The blob's id at the hub (the capability URL's last segment). */
  id: string;
  /** The capability URL (GET /blobs/<id>) of the ciphertext. */
  url: string;
  name: string;
  /** The plaintext's media type (image/png, audio/ogg ...). */
  type: string;
  /** Plaintext bytes. */
  size: number;
  key: Uint8Array;
  nonce: Uint8Array;
  /** SHA-256 of the ciphertext. */
  hash: Uint8Array;
  /** Seconds since the epoch when the hub drops the blob; 0 when not known. */
  expires: number;
  width?: number;
  height?: number;
  /** Voice notes and videos. */
  durationMs?: number;
  /** A small image shown before the download. */
  thumbnail?: { type: string; bytes: Uint8Array };
}

export interface FileMessage {
  caption: string;
  attachment: FileAttachment;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

function externalPart(file: FileAttachment): ExternalPart {
  return {
    disposition: Disposition.attachment,
    language: "",
    cardinality: Cardinality.external,
    contentType: file.type,
    url: file.url,
    expires: file.expires,
    size: file.size,
    encAlg: ENC_ALG_AES_128_GCM,
    key: file.key,
    nonce: file.nonce,
    aad: new Uint8Array(0),
    hashAlg: HASH_ALG_SHA_256,
    contentHash: file.hash,
    description: "",
    filename: file.name,
  };
}

/** [MD12] the body and the `sb.media` extension of a message that sends `file`. */
export function fileBody(
  file: FileAttachment,
  caption: string,
): { body: NestedPart; extensions: Map<number | string, ExtensionValue> } {
  const parts: NestedPart[] = [];
  if (caption !== "")
    parts.push({
      disposition: Disposition.render,
      language: "",
      cardinality: Cardinality.single,
      contentType: "text/plain;charset=utf-8",
      content: utf8.encode(caption),
    });
  parts.push(externalPart(file));
  if (file.thumbnail)
    parts.push({
      disposition: Disposition.preview,
      language: "",
      cardinality: Cardinality.single,
      contentType: file.thumbnail.type,
      content: file.thumbnail.bytes,
    });
  const media = new Map<string, number>();
  if (file.width !== undefined) media.set("width", file.width);
  if (file.height !== undefined) media.set("height", file.height);
  if (file.durationMs !== undefined) media.set("durationMs", file.durationMs);
  const extensions = new Map<number | string, ExtensionValue>();
  if (media.size > 0) extensions.set(SB_MEDIA_EXTENSION, media);
  const body: NestedPart =
    parts.length === 1
      ? parts[0]!
      : {
          disposition: Disposition.render,
          language: "",
          cardinality: Cardinality.multi,
          partSemantics: PartSemantics.singleUnit,
          parts,
        };
  return { body, extensions };
}

/**
 * A file name safe to write anywhere: no directories (either slash), no
 * control characters, never "", "." or ".." (then "file"). Applied to what
 * is sent and to what is read: a message may name "../../.profile".
 */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[/\\]/).at(-1) ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return base === "" || base === "." || base === ".." ? "file" : base;
}

/** The blob id from a capability URL: its last path segment, 32 hex digits. */
export function blobIdOf(url: string): string | undefined {
  let path: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
    path = parsed.pathname;
  } catch {
    return undefined;
  }
  const match = /\/blobs\/([0-9a-f]{32})$/.exec(path);
  return match?.[1];
}

function mediaDetails(value: ExtensionValue): Pick<FileAttachment, "width" | "height" | "durationMs"> {
  if (!(value instanceof Map)) return {};
  const out: Pick<FileAttachment, "width" | "height" | "durationMs"> = {};
  for (const field of ["width", "height", "durationMs"] as const) {
    const n: unknown = value.get(field);
    if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) out[field] = n;
  }
  return out;
}

export type FileRead = { ok: true; file: FileMessage } | { ok: false; reason: string } | undefined;

/**
 * [MD13] the file a message carries, or undefined when it carries none (a
 * text), or a reason when it carries one we cannot fetch or open (another
 * algorithm, a malformed key, a URL that is not a blob's).
 */
export function readFileMessage(content: MimiContent): FileRead {
  const body = content.body;
  const parts = body.cardinality === Cardinality.multi ? body.parts : [body];
  const externals = parts.filter((p): p is ExternalPart => p.cardinality === Cardinality.external);
  if (externals.length === 0) return undefined;
  if (externals.length > 1) return { ok: false, reason: "more than one file in a message" };
  const part = externals[0]!;
  if (part.encAlg !== ENC_ALG_AES_128_GCM)
    return { ok: false, reason: `file encryption ${part.encAlg} is not supported` };
  if (part.hashAlg !== HASH_ALG_SHA_256)
    return { ok: false, reason: `file hash ${part.hashAlg} is not supported` };
  if (
    part.key.byteLength !== KEY_BYTES ||
    part.nonce.byteLength !== NONCE_BYTES ||
    part.contentHash.byteLength !== 32
  )
    return { ok: false, reason: "a file's key, nonce or hash has the wrong length" };
  if (part.aad.byteLength !== 0) return { ok: false, reason: "a file with additional data is not supported" };
  const id = blobIdOf(part.url);
  if (id === undefined) return { ok: false, reason: "a file's URL is not a hub blob's" };
  let caption = "";
  let thumbnail: FileAttachment["thumbnail"];
  for (const p of parts) {
    if (p.cardinality !== Cardinality.single) continue;
    if (
      p.disposition === Disposition.preview &&
      /^image\//i.test(p.contentType) &&
      p.content.byteLength <= MAX_THUMBNAIL_BYTES
    )
      thumbnail = { type: p.contentType, bytes: p.content };
    else if (p.disposition === Disposition.render && /^text\/plain\b/i.test(p.contentType))
      try {
        caption = fromUtf8.decode(p.content);
      } catch {
        return { ok: false, reason: "a caption that is not UTF-8" };
      }
  }
  const attachment: FileAttachment = {
    id,
    url: part.url,
    name: safeFileName(part.filename),
    type: part.contentType,
    size: part.size,
    key: part.key,
    nonce: part.nonce,
    hash: part.contentHash,
    expires: part.expires,
    ...mediaDetails(content.extensions.get(SB_MEDIA_EXTENSION)),
    ...(thumbnail ? { thumbnail } : {}),
  };
  return { ok: true, file: { caption, attachment } };
}
