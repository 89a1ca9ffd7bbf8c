/**
 * Message status reports (draft-mahy-mimi-message-status-01 §4): one report
 * carries the status of many messages of one room, as deterministic CBOR
 * `[* [messageId: bstr .size 32, status: uint]]`. It travels as the single
 * part of a MIMI content message with the media type below, so it is
 * encrypted like any other message and the hub never sees it.
 */
import { decode, encode, rfc8949EncodeOptions } from "cborg";
import { equalBytes } from "../bytes.js";
import { MIMI_LIMITS } from "./content.js";

/** The draft's media type for a report (§7.1). */
export const MESSAGE_STATUS_CONTENT_TYPE = "application/mimi-message-status";

/** The draft's baseStatus values (§3); 7..255 are unknown and kept as numbers. */
export const MessageStatus = {
  unread: 0,
  delivered: 1,
  read: 2,
  expired: 3,
  deleted: 4,
  hidden: 5,
  error: 6,
} as const;

export interface PerMessageStatus {
  messageId: Uint8Array;
  /** A baseStatus value, or an unknown one (7..255). */
  status: number;
}

export type StatusReportDecoded = { ok: true; value: PerMessageStatus[] } | { ok: false; reason: string };

/** Most entries in one report: a batch covers a sync's worth of messages, not a whole history. */
export const MAX_STATUS_ENTRIES = 1000;

export function encodeStatusReport(report: readonly PerMessageStatus[]): Uint8Array {
  if (report.length > MAX_STATUS_ENTRIES)
    throw new RangeError(`a report holds at most ${MAX_STATUS_ENTRIES}`);
  for (const entry of report) checkEntry(entry.messageId, entry.status);
  return encode(
    report.map((e) => [e.messageId, e.status]),
    rfc8949EncodeOptions,
  );
}

/** Refuses anything that is not exactly the draft's shape in deterministic CBOR. */
export function decodeStatusReport(bytes: Uint8Array): StatusReportDecoded {
  let raw: unknown;
  try {
    raw = decode(bytes, { strict: true, allowIndefinite: false, allowUndefined: false });
  } catch (err) {
    return { ok: false, reason: `not CBOR: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!Array.isArray(raw)) return { ok: false, reason: "a status report is an array" };
  if (raw.length > MAX_STATUS_ENTRIES)
    return { ok: false, reason: `a status report holds at most ${MAX_STATUS_ENTRIES} entries` };
  const report: PerMessageStatus[] = [];
  for (const item of raw as unknown[]) {
    if (!Array.isArray(item) || item.length !== 2)
      return { ok: false, reason: "each entry is [messageId, status]" };
    const [messageId, status] = item as [unknown, unknown];
    const problem = entryProblem(messageId, status);
    if (problem) return { ok: false, reason: problem };
    report.push({ messageId: messageId as Uint8Array, status: status as number });
  }
  if (!equalBytes(encodeStatusReport(report), bytes))
    return { ok: false, reason: "not deterministic CBOR (RFC 8949 §4.2.1)" };
  return { ok: true, value: report };
}

function checkEntry(messageId: unknown, status: unknown): void {
  const problem = entryProblem(messageId, status);
  if (problem) throw new RangeError(problem);
}

function entryProblem(messageId: unknown, status: unknown): string | undefined {
  if (!(messageId instanceof Uint8Array) || messageId.length !== MIMI_LIMITS.messageIdBytes)
    return `a messageId is a ${MIMI_LIMITS.messageIdBytes}-byte string`;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 255)
    return "a status is an integer from 0 to 255";
  return undefined;
}
