/**
 * What an incoming message changes in the local store (SPEC CT3-CT13): the
 * interpreted content (content/interpret.ts) checked against the rules
 * (content/rules.ts) with the hub's time, as writes to persist with the group
 * state and a notice to tell the app. Whatever breaks a rule (an edit or a
 * delete by anyone but the original sender, too late, too often) is ignored.
 */
import type { ContentEvent } from "../content/interpret.js";
import { applyDelete, applyEdit, mayDeleteForEveryone, mayEdit, nextReaction } from "../content/rules.js";
import { isBlockedHere, peopleWrites } from "../people/incoming.js";
import { attachmentWrites, forgetAttachments } from "../media/attachmentRecords.js";
import { UNCHANGED_MESSAGE } from "../store/messageDefaults.js";
import type { LocalConversation, LocalMessage, LocalStore, LocalWrite } from "../store/port.js";

/** Where the change came in: its own message id and its log seq. */
interface ChangeOrigin {
  id: string;
  seq: number;
}

/** What the app is told about a change to a message (beside new messages). */
export type ContentNotice =
  | { kind: "message"; message: LocalMessage }
  | (ChangeOrigin & {
      kind: "reaction";
      conversationId: string;
      messageId: string;
      senderAddress: string;
      /** null: the reaction was taken away. */
      emoji: string | null;
      at: number;
    })
  | (ChangeOrigin & {
      kind: "edit";
      conversationId: string;
      messageId: string;
      message: LocalMessage;
      senderAddress: string;
      at: number;
    })
  | (ChangeOrigin & {
      kind: "delete";
      conversationId: string;
      messageId: string;
      senderAddress: string;
      at: number;
    })
  | { kind: "title"; conversation: LocalConversation };

/** The entry the content came in: its authenticated sender and the hub's seq and time. */
export interface IncomingEntry {
  seq: number;
  serverTime: number;
  senderAddress: string;
  senderDeviceId: string;
  /** Sent by another device of this account. */
  outgoing: boolean;
}

export interface ContentOutcome {
  writes: LocalWrite[];
  conversation: LocalConversation;
  notice?: ContentNotice;
}

export async function incomingContent(
  store: LocalStore,
  conversation: LocalConversation,
  event: ContentEvent,
  entry: IncomingEntry,
): Promise<ContentOutcome> {
  // [PP6] what a blocked person says in a group the hub cannot stop is not shown here.
  if (!entry.outgoing && (await isBlockedHere(store, entry.senderAddress)))
    return { writes: [], conversation };
  const outcome = await contentOutcome(store, conversation, event, entry);
  // Names and request decisions (SPEC PP2, PP4) ride on the same batch.
  const people = await peopleWrites(store, outcome.conversation, event, entry);
  return { ...outcome, writes: [...outcome.writes, ...people] };
}

async function contentOutcome(
  store: LocalStore,
  conversation: LocalConversation,
  event: ContentEvent,
  entry: IncomingEntry,
): Promise<ContentOutcome> {
  const conversationId = conversation.id;
  const unchanged: ContentOutcome = { writes: [], conversation };
  const at = entry.serverTime;
  const who = entry.senderAddress;
  const origin: ChangeOrigin = { id: event.id, seq: entry.seq };
  switch (event.kind) {
    case "message": {
      if (await store.hasMessage(conversationId, event.id)) return unchanged;
      const message: LocalMessage = {
        id: event.id,
        conversationId,
        seq: entry.seq,
        senderAddress: who,
        senderDeviceId: entry.senderDeviceId,
        text: event.text,
        sentAt: event.sentAt,
        serverTime: at,
        outgoing: entry.outgoing,
        ...UNCHANGED_MESSAGE,
        replyTo: event.replyTo,
        expiresAt: event.expiresAt,
      };
      return {
        writes: [
          { kind: "putMessage", message },
          ...attachmentWrites(conversationId, event.id, event.attachments),
        ],
        conversation,
        notice: { kind: "message", message },
      };
    }
    case "reaction": {
      const target = await store.getMessage(conversationId, event.target);
      if (!target || target.deleted) return unchanged;
      const current = (await store.listReactions(conversationId, event.target)).find(
        (r) => r.senderAddress === who,
      );
      const key = { conversationId, messageId: event.target, senderAddress: who };
      const next = nextReaction(
        current,
        { reactionId: event.id, emoji: event.emoji, replaces: event.replaces, at },
        key,
      );
      if ("keep" in next) return unchanged;
      const write: LocalWrite =
        "put" in next ? { kind: "putReaction", reaction: next.put } : { kind: "deleteReaction", ...key };
      return {
        writes: [write],
        conversation,
        notice: { kind: "reaction", ...origin, ...key, emoji: "put" in next ? next.put.emoji : null, at },
      };
    }
    case "edit": {
      const original = await store.getMessage(conversationId, event.target);
      if (!original || !mayEdit(original, who, at).ok) return unchanged;
      const message = applyEdit(original, event.text, at);
      return {
        writes: [{ kind: "putMessage", message }],
        conversation,
        notice: {
          kind: "edit",
          ...origin,
          conversationId,
          messageId: event.target,
          message,
          senderAddress: who,
          at,
        },
      };
    }
    case "delete": {
      const original = await store.getMessage(conversationId, event.target);
      if (!original || !mayDeleteForEveryone(original, who, at).ok) return unchanged;
      // [MD14] its file goes with it: no key to the blob stays on this device.
      const files = await forgetAttachments(store, conversationId, event.target);
      return {
        writes: [{ kind: "putMessage", message: applyDelete(original) }, ...files.writes],
        conversation,
        notice: {
          kind: "delete",
          ...origin,
          conversationId,
          messageId: event.target,
          senderAddress: who,
          at,
        },
      };
    }
    case "groupProfile": {
      const titled = { ...conversation, title: event.title };
      return { writes: [], conversation: titled, notice: { kind: "title", conversation: titled } };
    }
    case "unsupported":
      return unchanged;
  }
}
