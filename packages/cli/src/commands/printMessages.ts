/**
 * How messages and changes to them are shown: a line of text for people, one
 * JSON object per line for scripts, each with a `kind` (packages/cli/README.md
 * is the contract: `message`, `reaction`, `edit`, `delete`).
 */
import type { ContentNotice, LocalConversation, LocalMessage, LocalReaction } from "@switchboard/client";

type Change = Exclude<ContentNotice, { kind: "message" | "title" }>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Until display names travel in profiles, a person's name is their address. */
const nameOf = (address: string): string => address;

/** A file a message carries, as scripts see it (SPEC MD15). */
export interface AttachmentLine {
  name: string;
  type: string;
  size: number;
  id: string;
}

/** `attachments` is there only when the message carries files. */
export function messageObject(
  message: LocalMessage,
  attachments: AttachmentLine[] = [],
): Record<string, unknown> {
  return {
    kind: "message",
    conversation: message.conversationId,
    from: message.senderAddress,
    fromName: nameOf(message.senderAddress),
    fromDevice: message.senderDeviceId,
    text: message.text,
    sentAt: iso(message.sentAt),
    id: message.id,
    seq: message.seq,
    replyTo: message.replyTo,
    edited: message.editCount > 0,
    deleted: message.deleted,
    expiresAt: iso(message.expiresAt),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

export function changeObject(change: Change): Record<string, unknown> {
  const common = {
    kind: change.kind,
    conversation: change.conversationId,
    id: change.id,
    messageId: change.messageId,
    from: change.senderAddress,
    fromName: nameOf(change.senderAddress),
    at: iso(change.at),
    seq: change.seq,
  };
  switch (change.kind) {
    case "reaction":
      return { ...common, emoji: change.emoji, removed: change.emoji === null };
    case "edit":
      return { ...common, text: change.message.text, edits: change.message.editCount };
    case "delete":
      return common;
  }
}

/** A stored reaction, as history prints it under its message. */
export function reactionObject(reaction: LocalReaction): Record<string, unknown> {
  return {
    kind: "reaction",
    conversation: reaction.conversationId,
    id: reaction.reactionId,
    messageId: reaction.messageId,
    from: reaction.senderAddress,
    fromName: nameOf(reaction.senderAddress),
    at: iso(reaction.at),
    emoji: reaction.emoji,
    removed: false,
  };
}

function where(conversation: LocalConversation | undefined): string {
  return conversation?.kind === "group" ? `[${conversation.title || conversation.id.slice(0, 8)}] ` : "";
}

export function formatMessage(
  message: LocalMessage,
  conversation: LocalConversation | undefined,
  json: boolean,
  attachments: AttachmentLine[] = [],
): string {
  if (json) return JSON.stringify(messageObject(message, attachments));
  const time = new Date(message.sentAt).toLocaleTimeString();
  const files = attachments.map((a) => ` [file: ${a.name}, ${a.size} bytes]`).join("");
  const text = message.deleted
    ? "(deleted)"
    : message.text + files + (message.editCount > 0 ? " (edited)" : "");
  return `${time} ${where(conversation)}${nameOf(message.senderAddress)}: ${text}`;
}

export function formatChange(
  change: Change,
  conversation: LocalConversation | undefined,
  json: boolean,
): string {
  if (json) return JSON.stringify(changeObject(change));
  const time = new Date(change.at).toLocaleTimeString();
  const who = `${time} ${where(conversation)}${nameOf(change.senderAddress)}`;
  const target = change.messageId.slice(0, 12);
  switch (change.kind) {
    case "reaction":
      return change.emoji === null
        ? `${who} took back their reaction to ${target}`
        : `${who} reacted ${change.emoji} to ${target}`;
    case "edit":
      return `${who} edited ${target}: ${change.message.text}`;
    case "delete":
      return `${who} deleted ${target}`;
  }
}
