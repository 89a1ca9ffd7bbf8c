/**
 * Identifiers. A device id is derived from its Ed25519 public key, so a device
 * knows its id before it registers and the server cannot swap keys behind an id.
 * Conversation ids are the hex of the MLS group id, chosen by the creating client.
 */
import { LIMITS } from "./limits.js";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** Lower-case RFC 4648 base32 without padding. */
export function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Device ids are 26 base32 characters: the first 128 bits of SHA-256(public key). */
export const DEVICE_ID_PATTERN = /^[a-z2-7]{26}$/;

/** Device id from the SHA-256 digest of the device's signature public key. */
export function deviceIdFromKeyDigest(sha256Digest: Uint8Array): string {
  if (sha256Digest.length !== 32) throw new RangeError("expected a 32-byte SHA-256 digest");
  return base32(sha256Digest.subarray(0, 16));
}

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

const CONVERSATION_ID_PATTERN = /^[0-9a-f]{32,64}$/;

export function isConversationId(value: string): boolean {
  return value.length <= LIMITS.maxConversationIdLength && CONVERSATION_ID_PATTERN.test(value);
}

/** "00" .. "ff": the hub turns every message's group id into hex, so no toString and padStart per byte. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTES[bytes[i]!]!;
  return out;
}

/**
 * Whether `hex` is toHex(bytes), without building that string: the hub
 * checks every message's group id against its conversation id, and a string
 * of two-char pieces cost a cons string per byte.
 */
export function isHexOf(hex: string, bytes: Uint8Array): boolean {
  if (hex.length !== bytes.length * 2) return false;
  for (let i = 0; i < bytes.length; i++) {
    const pair = HEX_BYTES[bytes[i]!]!;
    if (hex.charCodeAt(2 * i) !== pair.charCodeAt(0) || hex.charCodeAt(2 * i + 1) !== pair.charCodeAt(1))
      return false;
  }
  return true;
}

/** Bytes from lower- or upper-case hex; throws RangeError on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError("not a hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const CLIENT_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isClientMessageId(value: string): boolean {
  return CLIENT_MESSAGE_ID_PATTERN.test(value);
}
