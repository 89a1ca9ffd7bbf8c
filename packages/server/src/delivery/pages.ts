/**
 * [DS15] Listings fit a frame whatever an account holds: a page is cut by
 * count and by an estimate of its encoded size (LIMITS.maxPageBytes, well
 * under LIMITS.maxFrameBytes), and always holds at least one item.
 */
import { LIMITS } from "@switchboard/protocol";
import type { ConversationView } from "../store/port.js";

/** Room for a summary's fixed fields (id, kind, epoch, cursor, seqs, time, tags). */
const SUMMARY_OVERHEAD = 128;
/** Room for one participant besides its characters (tag, length; UTF-8 may double them). */
const PARTICIPANT_OVERHEAD = 4;

export function summaryBytes(conversation: ConversationView): number {
  let bytes = SUMMARY_OVERHEAD;
  for (const address of conversation.participants) bytes += PARTICIPANT_OVERHEAD + 2 * address.length;
  return bytes;
}

/** The longest prefix of `rows`, at most `limit`, whose summaries fit in LIMITS.maxPageBytes (never empty when rows is not). */
export function fitSummaries(rows: ConversationView[], limit: number): ConversationView[] {
  let bytes = 0;
  let count = 0;
  for (const row of rows) {
    if (count >= limit) break;
    bytes += summaryBytes(row);
    if (count > 0 && bytes > LIMITS.maxPageBytes) break;
    count++;
  }
  return rows.slice(0, count);
}
