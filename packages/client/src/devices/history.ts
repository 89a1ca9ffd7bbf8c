/**
 * History for a newly linked device. MLS gives a new member no keys for what
 * was said before it joined, so the approving device, which has the
 * plaintext, sends a bundle of it: per conversation, the messages before the
 * commit that added the new device (it reads everything after that itself,
 * so there is no gap and no overlap). The bundle is cut into chunks that each
 * fit one inbox item, and every chunk is sealed to the new device.
 */
import {
  HistoryBundleSchema,
  HistoryChunkSchema,
  HistoryConversationSchema,
  HistoryRange,
  create,
  decodeMessage,
  encodeMessage,
  type HistoryBundle,
  type HistoryChunk,
  type HistoryConversation,
} from "@switchboard/protocol";
import type { LocalConversation, LocalMessage, LocalStore, LocalWrite } from "../store/port.js";
import { UNCHANGED_MESSAGE } from "../store/messageDefaults.js";
import {
  attachmentWrites,
  attachmentsOf,
  decodeAttachments,
  encodeAttachments,
} from "../media/attachmentRecords.js";

export type HistoryChoice = "none" | "30d" | "all";

export const HISTORY_RANGES: Record<HistoryChoice, HistoryRange> = {
  none: HistoryRange.NONE,
  "30d": HistoryRange.LAST_30_DAYS,
  all: HistoryRange.ALL,
};

export function historyChoiceOf(range: HistoryRange): HistoryChoice {
  return range === HistoryRange.ALL ? "all" : range === HistoryRange.LAST_30_DAYS ? "30d" : "none";
}

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;
/** Under LIMITS.maxMessageBytes once sealed and framed. */
export const HISTORY_CHUNK_BYTES = 192 * 1024;
/** The most a bundle may grow to on the receiving side (chunks are held until complete). */
const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

/** The bundle for conversations the new device joined at `beforeSeq` each. */
export async function buildHistoryBundle(
  store: LocalStore,
  joined: { conversation: LocalConversation; beforeSeq: number }[],
  choice: HistoryChoice,
  now: number,
): Promise<HistoryBundle> {
  const since = choice === "30d" ? now - THIRTY_DAYS_MS : choice === "all" ? 0 : Infinity;
  const conversations: HistoryConversation[] = [];
  for (const { conversation: c, beforeSeq } of joined) {
    const messages =
      since === Infinity
        ? []
        : (await store.listMessages(c.id)).filter(
            (m): m is LocalMessage & { seq: number } =>
              m.seq !== null && m.seq < beforeSeq && (m.serverTime ?? m.sentAt) >= since,
          );
    conversations.push(
      create(HistoryConversationSchema, {
        conversationId: c.id,
        direct: c.kind === "direct",
        title: c.title,
        peer: c.peer ?? "",
        participants: c.participants,
        beforeSeq: BigInt(beforeSeq),
        messages: await Promise.all(
          messages.map(async (m) => ({
            id: m.id,
            seq: BigInt(m.seq),
            senderAddress: m.senderAddress,
            senderDeviceId: m.senderDeviceId,
            text: m.text,
            sentAt: BigInt(m.sentAt),
            serverTime: BigInt(m.serverTime ?? 0),
            expiresAt: BigInt(m.expiresAt ?? 0),
            // [MD14] the new device can open the files too.
            attachments: encodeAttachments(await attachmentsOf(store, c.id, m.id)),
          })),
        ),
      }),
    );
  }
  return create(HistoryBundleSchema, { conversations });
}

/** Cut an encoded bundle into chunks. */
export function chunkBundle(bundleId: string, bundle: HistoryBundle): HistoryChunk[] {
  const bytes = encodeMessage(HistoryBundleSchema, bundle);
  const count = Math.max(1, Math.ceil(bytes.length / HISTORY_CHUNK_BYTES));
  const chunks: HistoryChunk[] = [];
  for (let index = 0; index < count; index++) {
    const data = bytes.subarray(index * HISTORY_CHUNK_BYTES, (index + 1) * HISTORY_CHUNK_BYTES);
    chunks.push(create(HistoryChunkSchema, { bundleId, index, count, data }));
  }
  return chunks;
}

/** Put a bundle back together from its chunks (all present, in any order). */
export function joinChunks(chunks: HistoryChunk[]): HistoryBundle | undefined {
  const ordered = [...chunks].sort((a, b) => a.index - b.index);
  const size = ordered.reduce((n, c) => n + c.data.length, 0);
  if (size > MAX_BUNDLE_BYTES) return undefined;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of ordered) {
    bytes.set(c.data, at);
    at += c.data.length;
  }
  const decoded = decodeMessage(HistoryBundleSchema, bytes, MAX_BUNDLE_BYTES);
  return decoded.ok ? decoded.value : undefined;
}

/**
 * The writes that show a bundle on this device: its messages in the
 * conversations it has joined (others are skipped: it was not added to them),
 * and a group's title, which was said before it joined.
 */
export async function historyWrites(
  store: LocalStore,
  ownAddress: string,
  bundle: HistoryBundle,
): Promise<{ writes: LocalWrite[]; messages: LocalMessage[]; skipped: string[] }> {
  const writes: LocalWrite[] = [];
  const messages: LocalMessage[] = [];
  const skipped: string[] = [];
  for (const c of bundle.conversations) {
    const local = await store.getConversation(c.conversationId);
    if (!local) {
      skipped.push(c.conversationId);
      continue;
    }
    if (local.title === "" && c.title !== "")
      writes.push({ kind: "putConversation", conversation: { ...local, title: c.title } });
    for (const m of c.messages) {
      // The bundle covers only what came before this device joined.
      if (m.seq >= c.beforeSeq || (await store.hasMessage(c.conversationId, m.id))) continue;
      const message: LocalMessage = {
        id: m.id,
        conversationId: c.conversationId,
        seq: Number(m.seq),
        senderAddress: m.senderAddress,
        senderDeviceId: m.senderDeviceId,
        text: m.text,
        sentAt: Number(m.sentAt),
        serverTime: m.serverTime === 0n ? null : Number(m.serverTime),
        outgoing: m.senderAddress === ownAddress,
        ...UNCHANGED_MESSAGE,
        // [XP4] a disappearing message disappears here too (the sweeper deletes one already due).
        expiresAt: m.expiresAt === 0n ? null : Number(m.expiresAt),
      };
      messages.push(message);
      writes.push(
        { kind: "putMessage", message },
        ...attachmentWrites(c.conversationId, m.id, decodeAttachments(m.attachments)),
      );
    }
  }
  return { writes, messages, skipped };
}
