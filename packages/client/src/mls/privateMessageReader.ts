/**
 * An MLSMessage holding a PrivateMessage (RFC 9420 §6, §6.3), read by hand:
 * every message a device reads is one, and ts-mls's decoder combinators
 * (a closure, a spread and an array per field) cost more than the fields
 * (issue 18). The result is what ts-mls's decodeMlsMessage gives (the same
 * object shape, vectors as views of `bytes`), and it accepts and refuses the
 * same bytes: any length prefix but the 8-byte one, content types 1-3, and
 * the message must end where its last field does. Anything else falls back
 * to ts-mls (see wire.ts).
 */
import type { MLSMessage, PrivateMessage } from "ts-mls";

const MLS10 = 1; // RFC 9420 §6: ProtocolVersion mls10
const WIRE_PRIVATE_MESSAGE = 2; // RFC 9420 §17.2: mls_private_message
const CONTENT_TYPES = [undefined, "application", "proposal", "commit"] as const;

/** Thrown for bytes that start as a PrivateMessage but are not one. */
export class MalformedPrivateMessage extends RangeError {}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  u8(): number {
    if (this.offset >= this.bytes.length) throw new MalformedPrivateMessage("truncated");
    return this.bytes[this.offset++]!;
  }

  u64(): bigint {
    if (this.offset + 8 > this.bytes.length) throw new MalformedPrivateMessage("truncated epoch");
    const b = this.bytes;
    const o = this.offset;
    const high = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    const low = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
    this.offset += 8;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** RFC 9420 §2.1.2: a variable-length vector's body, as a view (ts-mls's decodeVarLenData). */
  vector(): Uint8Array {
    const first = this.u8();
    const prefix = first >> 6;
    let length = first & 0x3f;
    if (prefix === 1) length = (length << 8) | this.u8();
    else if (prefix === 2) length = ((length << 24) | (this.u8() << 16) | (this.u8() << 8) | this.u8()) >>> 0;
    else if (prefix === 3) throw new MalformedPrivateMessage("8-byte length");
    if (this.offset + length > this.bytes.length) throw new MalformedPrivateMessage("truncated vector");
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

/**
 * The message, if `bytes` start as an mls10 PrivateMessage (else undefined:
 * not ours to read); throws MalformedPrivateMessage if they do and are not one.
 */
export function readPrivateMessage(bytes: Uint8Array): MLSMessage | undefined {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== MLS10 || bytes[2] !== 0) return undefined;
  if (bytes[3] !== WIRE_PRIVATE_MESSAGE) return undefined;
  const r = new Reader(bytes);
  r.offset = 4;
  const groupId = r.vector();
  const epoch = r.u64();
  const contentType = CONTENT_TYPES[r.u8()];
  if (contentType === undefined) throw new MalformedPrivateMessage("unknown content type");
  const privateMessage: PrivateMessage = {
    groupId,
    epoch,
    contentType,
    authenticatedData: r.vector(),
    encryptedSenderData: r.vector(),
    ciphertext: r.vector(),
  };
  if (r.offset !== bytes.length) throw new MalformedPrivateMessage("trailing bytes");
  return { wireformat: "mls_private_message", privateMessage, version: "mls10" };
}
