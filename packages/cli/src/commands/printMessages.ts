/**
 * How messages and changes to them are shown: a line of text for people, one
 * JSON object per line for scripts, each with a `kind` (packages/cli/README.md
 * is the contract: `message`, `reaction`, `edit`, `delete`).
 */
import type { ContentNotice, LocalConversation, LocalMessage, LocalReaction } from "@switchboard/client";

type Change = Exclude<ContentNotice, { kind: "message" | "title" }>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Display names people shared (SPEC PP2), loaded by the command before it prints (peopleCommands.ts). */
const names = new Map<string, string>();

export function rememberNames(known: ReadonlyMap<string, string>): void {
  for (const [address, name] of known) names.set(address, name);
}

/** A person's name as they shared it; their address when they shared none. */
const nameOf = (address: string): string => names.get(address) ?? address;

export function messageObject(message: LocalMessage): Record<string, unknown> {
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
): string {
  if (json) return JSON.stringify(messageObject(message));
  const time = new Date(message.sentAt).toLocaleTimeString();
  const text = message.deleted ? "(deleted)" : message.text + (message.editCount > 0 ? " (edited)" : "");
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
