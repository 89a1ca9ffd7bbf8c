/**
 * What travels on the Bus: one byte that says whether the receiving node must
 * look inside, then the encoded ServerFrame it forwards as is. Application
 * entries (the bulk) are forwarded without being decoded again; only entries
 * that change membership and inbox items naming a conversation are read.
 * One flag is a control message for the nodes themselves, with no frame.
 * An application entry also names its sending device (one length byte, then
 * the id), which is not pushed its own entry: the ack told it the seq.
 */
export const BusFlag = {
  /** Forward the frame; nothing to learn from it. */
  Forward: 0,
  /** A commit entry: read its membership change after forwarding. */
  Membership: 1,
  /** An inbox item for a device: read which conversation it joins. */
  Joins: 2,
  /** On a device topic, no frame: the device was revoked; close its connections (SPEC DIR7). */
  Revoked: 3,
  /** Forward the frame to every member device but the one named before it (the entry's sender, SPEC DS4). */
  ForwardExceptSender: 4,
} as const;
export type BusFlag = (typeof BusFlag)[keyof typeof BusFlag];

export function wrapForBus(flag: BusFlag, frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + 1);
  out[0] = flag;
  out.set(frame, 1);
  return out;
}

/** An application entry's push, for every member device but `senderDeviceId` (an ASCII hex id). */
export function wrapForBusExceptSender(senderDeviceId: string, frame: Uint8Array): Uint8Array {
  const headerSize = exceptSenderHeaderSize(senderDeviceId);
  // From Node's buffer pool, every byte written below: this runs once per message.
  const out = Buffer.allocUnsafe(headerSize + frame.length);
  writeExceptSenderHeader(out, senderDeviceId);
  out.set(frame, headerSize);
  return out;
}

/**
 * The bytes wrapForBusExceptSender puts before the frame, so an encoder can
 * leave room for them and the frame is not copied again (announcer.ts).
 */
export function exceptSenderHeaderSize(senderDeviceId: string): number {
  if (senderDeviceId.length > 255) throw new RangeError("device id too long for the Bus envelope");
  return 2 + senderDeviceId.length;
}

/** Write the header of an application entry's push for every member device but `senderDeviceId` at `out`'s start. */
export function writeExceptSenderHeader(out: Uint8Array, senderDeviceId: string): void {
  const idLength = senderDeviceId.length;
  out[0] = BusFlag.ForwardExceptSender;
  out[1] = idLength;
  for (let i = 0; i < idLength; i++) out[2 + i] = senderDeviceId.charCodeAt(i) & 0xff;
}

export interface BusMessage {
  flag: BusFlag;
  frame: Uint8Array;
  /** The device not to push the frame to ("" for every other flag). */
  exceptDeviceId: string;
}

export function unwrapFromBus(message: Uint8Array): BusMessage {
  const flag = (message[0] ?? BusFlag.Forward) as BusFlag;
  if (flag !== BusFlag.ForwardExceptSender) return { flag, frame: message.subarray(1), exceptDeviceId: "" };
  const idLength = message[1] ?? 0;
  return {
    flag,
    frame: message.subarray(2 + idLength),
    exceptDeviceId: Buffer.from(message.buffer, message.byteOffset + 2, idLength).toString("latin1"),
  };
}
