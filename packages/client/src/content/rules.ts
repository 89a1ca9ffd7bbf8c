/**
 * Who may change a message, and until when (SPEC CT10-CT13). Pure functions
 * over stored messages and a time: the sender checks them with its clock
 * before sending, and every receiver checks them again with the hub's time
 * of the change against the hub's time of the original, so all devices agree
 * whatever their clocks say. Receivers ignore what breaks them.
 */
import type { LocalMessage, LocalReaction } from "../store/port.js";

export const CONTENT_RULES = {
  /** How long after sending its sender may edit a message. */
  editWindowMs: 24 * 60 * 60 * 1000,
  /** How many times one message may be edited. */
  maxEdits: 10,
  /** How long after sending its sender may delete a message for everyone. */
  deleteWindowMs: 48 * 60 * 60 * 1000,
} as const;

export type RuleVerdict =
  | { ok: true }
  | {
      ok: false;
      code: "UNKNOWN_MESSAGE" | "NOT_SENDER" | "TOO_LATE" | "TOO_MANY_EDITS" | "MESSAGE_DELETED";
      reason: string;
    };

/** When the original was sent: the hub's time once it has one, else the sender's clock. */
function sentTime(original: LocalMessage): number {
  return original.serverTime ?? original.sentAt;
}

/** [CT10] only the original sender, within 24 h of sending, at most 10 times. */
export function mayEdit(original: LocalMessage | undefined, editor: string, at: number): RuleVerdict {
  if (!original) return { ok: false, code: "UNKNOWN_MESSAGE", reason: "no such message" };
  if (original.deleted) return { ok: false, code: "MESSAGE_DELETED", reason: "the message was deleted" };
  if (original.senderAddress !== editor)
    return { ok: false, code: "NOT_SENDER", reason: "only its sender may edit a message" };
  if (at - sentTime(original) > CONTENT_RULES.editWindowMs)
    return { ok: false, code: "TOO_LATE", reason: "a message may be edited for 24 hours after it was sent" };
  if (original.editCount >= CONTENT_RULES.maxEdits)
    return { ok: false, code: "TOO_MANY_EDITS", reason: "a message may be edited at most 10 times" };
  return { ok: true };
}

/** [CT11] only the original sender, within 48 h of sending. */
export function mayDeleteForEveryone(
  original: LocalMessage | undefined,
  deleter: string,
  at: number,
): RuleVerdict {
  if (!original) return { ok: false, code: "UNKNOWN_MESSAGE", reason: "no such message" };
  if (original.deleted)
    return { ok: false, code: "MESSAGE_DELETED", reason: "the message was already deleted" };
  if (original.senderAddress !== deleter)
    return { ok: false, code: "NOT_SENDER", reason: "only its sender may delete a message for everyone" };
  if (at - sentTime(original) > CONTENT_RULES.deleteWindowMs)
    return {
      ok: false,
      code: "TOO_LATE",
      reason: "a message may be deleted for everyone for 48 hours after it was sent",
    };
  return { ok: true };
}

/** The message as an accepted edit leaves it. */
export function applyEdit(original: LocalMessage, text: string, at: number): LocalMessage {
  return { ...original, text, editCount: original.editCount + 1, editedAt: at };
}

/** The message as delete for everyone leaves it: its text gone, a tombstone kept. */
export function applyDelete(original: LocalMessage): LocalMessage {
  return { ...original, text: "", deleted: true, replyTo: null };
}

/**
 * [CT12] one reaction per person per message: what to store for (message,
 * person) after an incoming reaction, or null to remove it. A removal takes
 * away only the reaction it names (a stale one from another device of the
 * same person leaves the newer in place); a new reaction always wins.
 */
export function nextReaction(
  current: LocalReaction | undefined,
  incoming: { reactionId: string; emoji: string | null; replaces: string | null; at: number },
  key: { conversationId: string; messageId: string; senderAddress: string },
): { put: LocalReaction } | { remove: true } | { keep: true } {
  if (incoming.emoji !== null)
    return { put: { ...key, emoji: incoming.emoji, reactionId: incoming.reactionId, at: incoming.at } };
  if (current !== undefined && current.reactionId === incoming.replaces) return { remove: true };
  return { keep: true };
}

export type Quote = { found: true; message: LocalMessage } | { found: false; text: "original not found" };

/** [CT13] what a reply quotes: the original (which may show as deleted), or "original not found". */
export function quoteOf(original: LocalMessage | undefined): Quote {
  if (!original) return { found: false, text: "original not found" };
  return { found: true, message: original };
}
