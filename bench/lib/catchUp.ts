/**
 * Catch up one conversation the way the SDK does (packages/client:
 * Applier.catchUpLocked): FetchRequest pages of LIMITS.maxFetchEntries after
 * the last seq seen, one page in flight, until has_more is false. Unlike the
 * SDK it acknowledges each page as it goes (not awaited before the next
 * fetch), so a device that drops mid-backlog resumes near where it was.
 * Nothing is decrypted: this measures what the hub delivers.
 */
import { LIMITS } from "@switchboard/protocol";
import { withDeadline } from "./deadline.js";
import { describe, type WireDevice } from "./wireDevice.js";

export interface CatchUpResult {
  entries: number;
  lastSeq: number;
  pages: number;
  /** Round trip of each fetch, ms. */
  pageMs: number[];
  /** Entries whose seq was not the previous one plus one (must be 0, SPEC DS4). */
  outOfOrder: number;
}

const ANSWER_MS = 30_000;

export async function catchUp(
  device: WireDevice,
  conversationId: string,
  afterSeq: number,
  progress: (entries: number) => void = () => {},
): Promise<CatchUpResult> {
  const result: CatchUpResult = { entries: 0, lastSeq: afterSeq, pages: 0, pageMs: [], outOfOrder: 0 };
  const acks: Promise<void>[] = [];
  // Acks are caught at once: a rejection nobody awaits yet would end the process.
  let ackError: Error | undefined;
  for (;;) {
    const t0 = performance.now();
    const response = await withDeadline(
      device.request({
        case: "fetch",
        value: { conversationId, afterSeq: BigInt(result.lastSeq), limit: LIMITS.maxFetchEntries },
      }),
      ANSWER_MS,
      `fetch after ${result.lastSeq}`,
    );
    result.pageMs.push(performance.now() - t0);
    if (response.result.case !== "fetch") throw new Error(`fetch: ${describe(response)}`);
    const page = response.result.value;
    result.pages++;
    for (const entry of page.entries) {
      const seq = Number(entry.seq);
      if (seq !== result.lastSeq + 1) result.outOfOrder++;
      result.lastSeq = seq;
    }
    result.entries += page.entries.length;
    progress(result.entries);
    if (page.entries.length > 0)
      acks.push(
        ack(device, conversationId, result.lastSeq).catch(
          (e: unknown) => void (ackError ??= e instanceof Error ? e : new Error(String(e))),
        ),
      );
    if (!page.hasMore || page.entries.length === 0) break;
  }
  await Promise.all(acks);
  if (ackError !== undefined) throw ackError;
  return result;
}

async function ack(device: WireDevice, conversationId: string, seq: number): Promise<void> {
  const response = await withDeadline(
    device.request({ case: "ack", value: { cursors: [{ conversationId, seq: BigInt(seq) }] } }),
    ANSWER_MS,
    `ack ${seq}`,
  );
  if (response.result.case !== "ack") throw new Error(`ack: ${describe(response)}`);
}
