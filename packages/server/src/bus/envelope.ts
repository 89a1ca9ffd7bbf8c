/**
 * What travels on the Bus: one byte that says whether the receiving node must
 * look inside, then the encoded ServerFrame it forwards as is. Application
 * entries (the bulk) are forwarded without being decoded again; only entries
 * that change membership and inbox items naming a conversation are read.
 * One flag is a control message for the nodes themselves, with no frame.
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
} as const;
export type BusFlag = (typeof BusFlag)[keyof typeof BusFlag];

export function wrapForBus(flag: BusFlag, frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + 1);
  out[0] = flag;
  out.set(frame, 1);
  return out;
}

export function unwrapFromBus(message: Uint8Array): { flag: BusFlag; frame: Uint8Array } {
  return { flag: (message[0] ?? BusFlag.Forward) as BusFlag, frame: message.subarray(1) };
}
