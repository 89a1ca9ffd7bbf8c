/**
 * How messages and changes to them are shown: a line of text for people, one
 * JSON object per line for scripts, each with a `kind` (packages/cli/README.md
 * is the contract: `message`, `reaction`, `edit`, `delete`).
 */
import type { LocalConversation, LocalMessage, LocalReaction } from "@switchboard/client";
import type { Change } from "./changeLog.js";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Display names people shared (SPEC PP2), loaded by the command before it prints (peopleCommands.ts). */
const names = new Map<string, string>();

export function rememberNames(known: ReadonlyMap<string, string>): void {
  for (const [address, name] of known) names.set(address, name);
}

/** A person's name as they shared it; their address when they shared none. */
/** The name shared with this device (PP2), else the address. */
export const nameOf = (address: string): string => names.get(address) ?? address;

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
  if (change.kind === "timer") return timerObject(change);
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

/** [XP3] `{"kind":"timer","conversation","by","byName","seconds","timer","at","seq"}` (seconds null: off). */
function timerObject(change: Extract<Change, { kind: "timer" }>): Record<string, unknown> {
  return {
    kind: "timer",
    conversation: change.conversationId,
    by: change.by,
    byName: change.by === null ? null : nameOf(change.by),
    seconds: change.seconds,
    timer: timerLabel(change.seconds),
    at: iso(change.at),
    seq: change.seq,
  };
}

/** The CLI's names of the timer lengths (the `timer` command's argument). */
function timerLabel(seconds: number | null): string {
  if (seconds === null) return "off";
  const units: [number, string][] = [
    [86_400, "d"],
    [3600, "h"],
    [60, "m"],
  ];
  for (const [size, unit] of units) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
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
  if (change.kind === "timer")
    return `${time} ${where(conversation)}${change.by === null ? "someone" : nameOf(change.by)} set disappearing messages to ${timerLabel(change.seconds)}`;
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
