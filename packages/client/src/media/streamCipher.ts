/**
 * Attachment encryption that streams (SPEC MD11): AES-128-GCM, the MIMI
 * content draft's mandatory algorithm, in the STREAM construction (Hoang,
 * Reyhanitabar, Rogaway, Vizár 2015; as Tink's streaming AEAD does), so a
 * 1 GB file never needs 1 GB of memory on either side: the plaintext is cut
 * into SEGMENT_BYTES segments, each sealed on its own with the file's key
 * under a nonce derived from the file's nonce, the segment's index and a
 * last-segment flag:
 *
 *   nonce_i = nonce XOR (0^7 || BE32(i) || last ? 0x01 : 0x00)
 *   ciphertext = seal(seg_0) || seal(seg_1) || ... || seal(seg_n-1)   (each seg || 16-byte tag)
 *
 * Every segment authenticates on its own, in its place (the index), and the
 * last one says it is last: reordering, dropping, truncating or extending
 * the ciphertext fails a tag. An empty file is one empty last segment.
 * One file, one fresh random key and nonce; SHA-256 of the whole ciphertext
 * is computed on the way (the ExternalPart's hash).
 */
import { ClientError } from "../errors.js";
import { KEY_BYTES, NONCE_BYTES } from "./fileKeySizes.js";

export { KEY_BYTES, NONCE_BYTES };

/** Plaintext bytes per segment: 64 KiB keeps the tag overhead at 0.02%. */
export const SEGMENT_BYTES = 64 * 1024;
export const TAG_BYTES = 16;

/** AES-128-GCM, one segment at a time (ciphertext || tag); `open` throws when the tag fails. */
export interface SegmentAead {
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array | Promise<Uint8Array>;
  open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** SHA-256 fed piece by piece. */
export interface StreamingHash {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

export interface AttachmentCrypto {
  aead: SegmentAead;
  sha256(): StreamingHash;
  randomBytes(length: number): Uint8Array;
}

/** The ciphertext's length for a plaintext of `plainBytes` (what the upload declares). */
export function ciphertextBytes(plainBytes: number): number {
  const segments = Math.max(1, Math.ceil(plainBytes / SEGMENT_BYTES));
  return plainBytes + segments * TAG_BYTES;
}

export function segmentNonce(nonce: Uint8Array, index: number, last: boolean): Uint8Array {
  if (nonce.byteLength !== NONCE_BYTES) throw new RangeError(`the nonce must be ${NONCE_BYTES} bytes`);
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new RangeError("too many segments");
  const out = new Uint8Array(nonce);
  out[7]! ^= (index >>> 24) & 0xff;
  out[8]! ^= (index >>> 16) & 0xff;
  out[9]! ^= (index >>> 8) & 0xff;
  out[10]! ^= index & 0xff;
  out[11]! ^= last ? 1 : 0;
  return out;
}

/**
 * Cut a byte stream into pieces of exactly `size` bytes, knowing which is
 * last: one piece is held back until the next byte (or the end) arrives.
 * The last piece may be shorter, or empty when the stream was empty.
 */
async function* segments(
  source: AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<[Uint8Array, boolean]> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  let held: Uint8Array | undefined;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.byteLength) {
      if (filled === size) {
        if (held) yield [held, false];
        held = buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
      const take = Math.min(size - filled, piece.byteLength - at);
      buffer.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
    }
  }
  if (held) {
    if (filled === 0) {
      yield [held, true];
      return;
    }
    yield [held, false];
  }
  yield [buffer.subarray(0, filled), true];
}

export interface EncryptedAttachment {
  /** The per-file key and nonce, for the message's ExternalPart. */
  key: Uint8Array;
  nonce: Uint8Array;
  /** Ciphertext bytes, one segment at a time. */
  ciphertext: AsyncIterable<Uint8Array>;
  /** SHA-256 of the ciphertext, once `ciphertext` has been read to its end. */
  digest(): Uint8Array;
}

/**
 * `secrets` only to resume an upload: the same key and nonce give the same
 * ciphertext, so the bytes the hub already has need not be sent again.
 */
export function encryptAttachment(
  crypto: AttachmentCrypto,
  plaintext: AsyncIterable<Uint8Array>,
  secrets?: { key: Uint8Array; nonce: Uint8Array },
): EncryptedAttachment {
  const key = secrets?.key ?? crypto.randomBytes(KEY_BYTES);
  const nonce = secrets?.nonce ?? crypto.randomBytes(NONCE_BYTES);
  const hash = crypto.sha256();
  let digest: Uint8Array | undefined;
  async function* ciphertext(): AsyncGenerator<Uint8Array> {
    let index = 0;
    for await (const [segment, last] of segments(plaintext, SEGMENT_BYTES)) {
      const sealed = await crypto.aead.seal(key, segmentNonce(nonce, index++, last), segment);
      hash.update(sealed);
      // Before the last yield: a reader that stops at the size it expects never resumes us after it.
      if (last) digest = hash.digest();
      yield sealed;
    }
  }
  return {
    key,
    nonce,
    ciphertext: ciphertext(),
    digest() {
      if (!digest) throw new Error("read the ciphertext to its end first");
      return digest;
    },
  };
}

function tampered(message: string, cause?: unknown): ClientError {
  return new ClientError("UNTRUSTED", `attachment refused: ${message}`, { cause });
}

/**
 * Decrypt, a segment at a time; each segment's plaintext is released only
 * once its tag verified. Throws ClientError UNTRUSTED when any segment fails
 * or the ciphertext's SHA-256 is not `expectedHash` (checked at the end: a
 * streamed file cannot be hashed before it is read, and the segment tags
 * already refuse any change before a byte of it is released).
 */
export async function* decryptAttachment(
  crypto: AttachmentCrypto,
  ciphertext: AsyncIterable<Uint8Array>,
  secrets: { key: Uint8Array; nonce: Uint8Array; expectedHash: Uint8Array },
): AsyncGenerator<Uint8Array> {
  const hash = crypto.sha256();
  let index = 0;
  for await (const [segment, last] of segments(ciphertext, SEGMENT_BYTES + TAG_BYTES)) {
    hash.update(segment);
    let plain: Uint8Array;
    try {
      plain = await crypto.aead.open(secrets.key, segmentNonce(secrets.nonce, index++, last), segment);
    } catch (error) {
      throw tampered(`segment ${index - 1} does not verify (changed, reordered or cut short)`, error);
    }
    yield plain;
  }
  const digest = hash.digest();
  if (
    digest.byteLength !== secrets.expectedHash.byteLength ||
    !digest.every((b, i) => b === secrets.expectedHash[i])
  )
    throw tampered("the ciphertext's hash is not the one the message gives");
}
