/**
 * Reads the seq of a pushed LogEntry (and the seq of an acknowledgement) straight from the wire bytes of a
 * ServerFrame (frames.proto: ServerFrame.push = 3, Push.entry = 1,
 * LogEntry.seq = 2), without decoding the rest. Receivers in the load
 * generator see one push per delivery; decoding each in full cost more CPU
 * than the hub spent sending it.
 */

/** The entry's seq, or -1 when the frame is not a pushed entry. */
export function pushedEntrySeq(frame: Uint8Array): number {
  const push = field(frame, 0, frame.length, 3);
  if (!push) return -1;
  const entry = field(frame, push.start, push.end, 1);
  if (!entry) return -1;
  let seq = -1;
  scan(frame, entry.start, entry.end, (no, wire, at) => {
    if (no !== 2 || wire !== 0) return false;
    seq = varint(frame, at).value;
    return true;
  });
  return seq;
}

/**
 * The request id and seq of a SendMessage acknowledgement (ServerFrame.response
 * = 2, Response.id = 1, Response.send_message = 16, SendMessageResponse.seq =
 * 1), or undefined for any other frame, refusals included (those take the
 * full decode).
 */
export function sendMessageAck(frame: Uint8Array): { id: number; seq: number } | undefined {
  const response = field(frame, 0, frame.length, 2);
  if (!response) return undefined;
  let id = 0;
  let ack: Span | undefined;
  scan(frame, response.start, response.end, (no, wire, at) => {
    if (no === 1 && wire === 0) id = varint(frame, at).value;
    else if (no === 16 && wire === 2) {
      const length = varint(frame, at);
      ack = { start: length.next, end: length.next + length.value };
      return true;
    }
    return false;
  });
  if (!ack) return undefined;
  let seq = 0;
  scan(frame, ack.start, ack.end, (no, wire, at) => {
    if (no !== 1 || wire !== 0) return false;
    seq = varint(frame, at).value;
    return true;
  });
  return { id, seq };
}

interface Span {
  start: number;
  end: number;
}

/** The first length-delimited field numbered `wanted` in frame[start, end). */
function field(frame: Uint8Array, start: number, end: number, wanted: number): Span | undefined {
  let found: Span | undefined;
  scan(frame, start, end, (no, wire, at) => {
    if (no !== wanted || wire !== 2) return false;
    const length = varint(frame, at);
    found = { start: length.next, end: length.next + length.value };
    return true;
  });
  return found;
}

/** Walk the fields of frame[start, end) until `visit` returns true. */
function scan(
  frame: Uint8Array,
  start: number,
  end: number,
  visit: (fieldNo: number, wireType: number, valueAt: number) => boolean,
): void {
  let at = start;
  while (at < end) {
    const tag = varint(frame, at);
    const wire = tag.value & 7;
    if (visit(Math.floor(tag.value / 8), wire, tag.next)) return;
    at = tag.next;
    if (wire === 0) at = varint(frame, at).next;
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint(frame, at);
      at = length.next + length.value;
    } else return; // groups (3, 4) are not used by this protocol
  }
}

/** A base-128 varint; exact up to 2^53, far beyond any seq. */
function varint(frame: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = frame[at++] ?? 0;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80 || at >= frame.length) return { value, next: at };
    scale *= 128;
  }
}
