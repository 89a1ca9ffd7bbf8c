/**
 * Hand-written encoders for the frames on the message hot path: the
 * acknowledgement of a SendMessageRequest and the push of an application
 * entry (server), and the SendMessageRequest itself (client; the bench's
 * load generator sends it at full rate). Every message costs one of each (more pushes in groups), and
 * protobuf-es's reflective create + toBinary was ~20% of the hub's CPU at
 * saturation (bench/README.md). The bytes are exactly those of
 * encodeServerFrame(create(ServerFrameSchema, ...)) (proto3: fields in number
 * order, zero values left out, a set oneof member written even when empty);
 * hotFrames.test.ts checks that on random values. Sizes are computed first,
 * then the frame is written into one buffer.
 */

const utf8 = new TextEncoder();

/** ServerFrame{response(2){id(1), send_message(16){seq(1), server_time(2)}}}. */
export function encodeSendMessageAck(id: bigint, seq: number, serverTime: number): Uint8Array {
  // Request ids are small in practice: number arithmetic, not BigInt's.
  const requestId = id <= BigInt(Number.MAX_SAFE_INTEGER) && id >= 0n ? Number(id) : id;
  const ackLength = uintSize(1, seq) + uintSize(2, serverTime);
  const responseLength = uintSize(1, requestId) + nestedSize(16, ackLength);
  const out = new Output(nestedSize(2, responseLength));
  out.tag(2, LENGTH_DELIMITED).varint(responseLength);
  out.uint(1, requestId);
  out.tag(16, LENGTH_DELIMITED).varint(ackLength);
  out.uint(1, seq).uint(2, serverTime);
  return out.done();
}

/** The fields of an application entry (none with a membership change: commits take the generic path). */
export interface ApplicationEntryFields {
  conversationId: string;
  seq: number;
  /** EntryKind's wire number (APPLICATION = 1). */
  kind: number;
  senderDeviceId: string;
  senderAddress: string;
  payload: Uint8Array;
  epoch: number;
  serverTime: number;
}

/** Where encodeEntryPush writes its frame. */
export interface FrameBuffer {
  /** Bytes left free before the frame for the caller to fill (an envelope's header); 0 by default. */
  headroom?: number;
  /**
   * Makes the buffer; every byte after the headroom is written. The hub
   * passes Node's pooled Buffer.allocUnsafe: a Uint8Array of a few hundred
   * bytes has a backing store of its own, one per message.
   */
  alloc?: (size: number) => Uint8Array;
}

/**
 * ServerFrame{push(3){entry(1){LogEntry fields 1-8}}}, after `headroom`
 * bytes left for the caller (the Bus envelope: one buffer and one copy of
 * the payload per message, not two).
 */
export function encodeEntryPush(entry: ApplicationEntryFields, into: FrameBuffer = {}): Uint8Array {
  // Ids and addresses are ASCII in practice: written char by char, with no
  // encoded copy of each string per message (textField).
  const conversationId = textField(entry.conversationId);
  const senderDeviceId = textField(entry.senderDeviceId);
  const senderAddress = textField(entry.senderAddress);
  const entryLength =
    bytesSize(1, conversationId) +
    uintSize(2, entry.seq) +
    uintSize(3, entry.kind) +
    bytesSize(4, senderDeviceId) +
    bytesSize(5, senderAddress) +
    bytesSize(6, entry.payload) +
    uintSize(7, entry.epoch) +
    uintSize(8, entry.serverTime);
  const pushLength = nestedSize(1, entryLength);
  const out = new Output(nestedSize(3, pushLength), into.headroom ?? 0, into.alloc);
  out.tag(3, LENGTH_DELIMITED).varint(pushLength);
  out.tag(1, LENGTH_DELIMITED).varint(entryLength);
  out
    .bytes(1, conversationId)
    .uint(2, entry.seq)
    .uint(3, entry.kind)
    .bytes(4, senderDeviceId)
    .bytes(5, senderAddress)
    .bytes(6, entry.payload)
    .uint(7, entry.epoch)
    .uint(8, entry.serverTime);
  return out.done();
}

/** ClientFrame{request(2){id(1), send_message(16){conversation_id(1), client_message_id(2), payload(3), epoch(4)}}}. */
export function encodeSendMessageRequest(
  id: bigint,
  conversationId: string,
  clientMessageId: string,
  payload: Uint8Array,
  epoch: number,
): Uint8Array {
  const requestId = id <= BigInt(Number.MAX_SAFE_INTEGER) && id >= 0n ? Number(id) : id;
  const conversation = utf8.encode(conversationId);
  const clientId = utf8.encode(clientMessageId);
  const sendLength =
    bytesSize(1, conversation) + bytesSize(2, clientId) + bytesSize(3, payload) + uintSize(4, epoch);
  const requestLength = uintSize(1, requestId) + nestedSize(16, sendLength);
  const out = new Output(nestedSize(2, requestLength));
  out.tag(2, LENGTH_DELIMITED).varint(requestLength);
  out.uint(1, requestId);
  out.tag(16, LENGTH_DELIMITED).varint(sendLength);
  out.bytes(1, conversation).bytes(2, clientId).bytes(3, payload).uint(4, epoch);
  return out.done();
}

const newBytes = (size: number) => new Uint8Array(size);

const VARINT = 0;
const LENGTH_DELIMITED = 2;

type Uint = number | bigint;

const isZero = (value: Uint) => value === 0 || value === 0n;

function varintSize(value: Uint): number {
  let v = typeof value === "bigint" ? BigInt.asUintN(64, value) : value;
  let size = 1;
  if (typeof v === "number") {
    while (v > 0x7f) {
      v = Math.floor(v / 0x80);
      size++;
    }
    return size;
  }
  while (v > 0x7fn) {
    v >>= 7n;
    size++;
  }
  return size;
}

/**
 * A string field's value: the string itself when it is ASCII (one byte per
 * char, written by Output.bytes without encoding it first), else its UTF-8 bytes.
 */
type Text = string | Uint8Array;

function textField(value: string): Text {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return utf8.encode(value);
  return value;
}

const textLength = (value: Text) => (typeof value === "string" ? value.length : value.byteLength);

const tagSize = (field: number) => varintSize(field << 3);
const uintSize = (field: number, value: Uint) => (isZero(value) ? 0 : tagSize(field) + varintSize(value));
const bytesSize = (field: number, value: Text) => {
  const length = textLength(value);
  return length === 0 ? 0 : tagSize(field) + varintSize(length) + length;
};
const nestedSize = (field: number, length: number) => tagSize(field) + varintSize(length) + length;

class Output {
  private readonly buffer: Uint8Array;
  private at: number;

  constructor(size: number, headroom = 0, alloc: (size: number) => Uint8Array = newBytes) {
    this.buffer = alloc(headroom + size);
    this.at = headroom;
  }

  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  uint(field: number, value: Uint): this {
    return isZero(value) ? this : this.tag(field, VARINT).varint(value);
  }

  bytes(field: number, value: Text): this {
    const length = textLength(value);
    if (length === 0) return this;
    this.tag(field, LENGTH_DELIMITED).varint(length);
    if (typeof value === "string") {
      // ASCII (textField): one byte per char.
      const buffer = this.buffer;
      for (let i = 0, at = this.at; i < length; i++, at++) buffer[at] = value.charCodeAt(i);
    } else {
      this.buffer.set(value, this.at);
    }
    this.at += length;
    return this;
  }

  varint(value: Uint): this {
    if (typeof value === "number") {
      let v = value;
      while (v > 0x7f) {
        this.buffer[this.at++] = v % 0x80 | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buffer[this.at++] = v;
      return this;
    }
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buffer[this.at++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.at++] = Number(v);
    return this;
  }

  done(): Uint8Array {
    if (this.at !== this.buffer.byteLength)
      throw new Error(`frame size ${this.at} != ${this.buffer.byteLength}`);
    return this.buffer;
  }
}
