/**
 * Reads the framing of an MLS PrivateMessage (RFC 9420 §6.3) by hand: the
 * hub needs only its group id, epoch and content type, and decoding the whole
 * message with ts-mls (which builds lookup tables per call) was the largest
 * MLS cost on the hub's hot path. Every length is checked; the message must
 * end exactly where its last field does.
 */

export interface PrivateMessageHeader {
  groupId: Uint8Array;
  epoch: number;
  contentType: "application" | "proposal" | "commit";
}

const MLS10 = 1; // RFC 9420 §6: ProtocolVersion mls10
const WIRE_PRIVATE_MESSAGE = 2; // RFC 9420 §17.2: mls_private_message
const CONTENT_TYPES = { 1: "application", 2: "proposal", 3: "commit" } as const;

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    if (this.offset + 1 > this.bytes.length) throw new RangeError("truncated");
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    return (this.u8() << 8) | this.u8();
  }

  u64(): number {
    let value = 0;
    for (let i = 0; i < 8; i++) value = value * 256 + this.u8();
    if (!Number.isSafeInteger(value)) throw new RangeError("epoch out of range");
    return value;
  }

  /** RFC 9420 §2.1.2: a variable-length vector's body, as a view. */
  vector(): Uint8Array {
    const length = this.vectorLength();
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** A vector passed over: no view of it is made (three per message on the hub's hot path). */
  skipVector(): void {
    // Not `this.offset += this.vectorLength()`: that reads the offset before the prefix moves it.
    const length = this.vectorLength();
    this.offset += length;
  }

  /** The length prefix (1, 2 or 4 bytes, minimal encoding), checked against what is left. */
  private vectorLength(): number {
    const first = this.u8();
    const prefix = first >> 6;
    let length = first & 0x3f;
    if (prefix === 1) length = (length << 8) | this.u8();
    else if (prefix === 2) length = ((length << 24) | (this.u8() << 16) | (this.u8() << 8) | this.u8()) >>> 0;
    else if (prefix === 3) throw new RangeError("invalid length prefix");
    if (this.offset + length > this.bytes.length) throw new RangeError("truncated vector");
    return length;
  }

  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

export function readPrivateMessageHeader(bytes: Uint8Array): PrivateMessageHeader | undefined {
  try {
    const r = new Reader(bytes);
    if (r.u16() !== MLS10 || r.u16() !== WIRE_PRIVATE_MESSAGE) return undefined;
    const groupId = r.vector();
    const epoch = r.u64();
    const contentType = CONTENT_TYPES[r.u8() as keyof typeof CONTENT_TYPES] as
      | PrivateMessageHeader["contentType"]
      | undefined;
    if (contentType === undefined) return undefined;
    r.skipVector(); // authenticated_data
    r.skipVector(); // encrypted_sender_data
    r.skipVector(); // ciphertext
    return r.done ? { groupId, epoch, contentType } : undefined;
  } catch {
    return undefined;
  }
}
