/**
 * A hand-written reader for the one client frame on the message hot path, a
 * SendMessageRequest (the counterpart of hotFrames.ts's encoders). protobuf-es's
 * reflective fromBinary and the garbage it makes were ~10% of the hub's CPU
 * per direct message (bench/README.md).
 *
 * It reads only the plain shape an encoder writes: each field at most once,
 * known field numbers and wire types, lengths inside the frame. Anything else
 * (unknown or repeated fields, other requests, truncation) answers undefined
 * and the caller falls back to the generic decoder, so this reader never
 * decides what a strange frame means. Where it does answer, the value equals
 * fromBinary's, strings decoded the same way (non-fatal UTF-8) and bytes as a
 * view of the frame; hotFrameReader.test.ts checks both on random frames.
 */
import type { ClientFrame } from "./gen/switchboard/v1/frames_pb.js";

const utf8 = new TextDecoder();

/** The frame as fromBinary(ClientFrameSchema) would give it, if it is a plain SendMessageRequest. */
export function readSendMessageFrame(frame: Uint8Array): ClientFrame | undefined {
  const r = new Reader(frame);
  // ClientFrame: request = 2, and nothing else.
  if (r.varint() !== ((2 << 3) | 2)) return undefined;
  const requestEnd = r.end();
  if (requestEnd !== frame.length) return undefined;
  let id: bigint | undefined;
  let op: { start: number; end: number } | undefined;
  while (r.at < requestEnd && !r.bad) {
    const tag = r.varint();
    if (tag === 1 << 3 && id === undefined) id = r.varint64();
    else if (tag === ((16 << 3) | 2) && op === undefined) {
      const end = r.end();
      op = { start: r.at, end };
      r.skipTo(end);
    } else return undefined;
  }
  if (r.bad || op === undefined) return undefined;

  let conversationId: string | undefined;
  let clientMessageId: string | undefined;
  let payload: Uint8Array | undefined;
  let epoch: bigint | undefined;
  let nonUrgent: boolean | undefined;
  let expiresAfterSeconds: number | undefined;
  r.at = op.start;
  while (r.at < op.end && !r.bad) {
    const tag = r.varint();
    if (tag === ((1 << 3) | 2) && conversationId === undefined)
      conversationId = utf8.decode(r.lengthDelimited());
    else if (tag === ((2 << 3) | 2) && clientMessageId === undefined)
      clientMessageId = utf8.decode(r.lengthDelimited());
    else if (tag === ((3 << 3) | 2) && payload === undefined) payload = r.lengthDelimited();
    else if (tag === 4 << 3 && epoch === undefined) epoch = r.varint64();
    else if (tag === 60 << 3 && nonUrgent === undefined) nonUrgent = r.varint64() !== 0n;
    // uint32 under 2^31 (SPEC XP7); a larger one goes to the generic decoder.
    else if (tag === 70 << 3 && expiresAfterSeconds === undefined) expiresAfterSeconds = r.varint();
    else return undefined;
  }
  if (r.bad || r.at !== op.end) return undefined;
  return {
    $typeName: "switchboard.v1.ClientFrame",
    body: {
      case: "request",
      value: {
        $typeName: "switchboard.v1.Request",
        id: id ?? 0n,
        op: {
          case: "sendMessage",
          value: {
            $typeName: "switchboard.v1.SendMessageRequest",
            conversationId: conversationId ?? "",
            clientMessageId: clientMessageId ?? "",
            payload: payload ?? new Uint8Array(0),
            epoch: epoch ?? 0n,
            nonUrgent: nonUrgent ?? false,
            expiresAfterSeconds: expiresAfterSeconds ?? 0,
          },
        },
      },
    },
  };
}

/** A cursor over the frame; any overrun sets `bad` instead of throwing. */
class Reader {
  at = 0;
  bad = false;

  constructor(private readonly frame: Uint8Array) {}

  /** A tag or a length: under 2^31 (beyond that, leave the frame to the generic decoder). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const byte = this.frame[this.at++];
      if (byte === undefined) break;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value >= 2 ** 31) break;
        return value;
      }
      scale *= 128;
    }
    this.bad = true;
    return -1;
  }

  /** A uint64 varint, as protobuf-es reads it (at most 10 bytes, wrapped to 64 bits). */
  varint64(): bigint {
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.frame[this.at++];
      if (byte === undefined) break;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, value);
      shift += 7n;
    }
    this.bad = true;
    return 0n;
  }

  /** Reads a length and answers where that many bytes from here end. */
  end(): number {
    const length = this.varint();
    const end = this.at + length;
    if (this.bad || end > this.frame.length) this.bad = true;
    return end;
  }

  skipTo(end: number): number {
    if (!this.bad) this.at = end;
    return end;
  }

  lengthDelimited(): Uint8Array {
    const end = this.end();
    if (this.bad) return new Uint8Array(0);
    const bytes = this.frame.subarray(this.at, end);
    this.at = end;
    return bytes;
  }
}
