/**
 * What an incoming application message means, as one domain event (SPEC
 * CT3-CT9). Pure. MIMI content first; the protobuf `Content` that older SDKs
 * sent (and older stores hold) is still read. Ids come from the authenticated
 * sender and the conversation (ids.ts), never from the message's extensions.
 * Unknown extensions are handed on untouched.
 */
import {
  Cardinality,
  Disposition,
  decodeContent,
  decodeMimiContent,
  toHex,
  type ExtensionValue,
  type MimiContent,
  type NestedPart,
} from "@switchboard/protocol";
import { SB_EXTENSION } from "./extensions.js";
import { readFileMessage, type FileAttachment } from "./filePart.js";
import { contentMessageId } from "./ids.js";

/** Who sent it, as MLS authenticated it, and when the hub accepted it. */
export interface ContentContext {
  senderAddress: string;
  conversationId: string;
  /** The hub's time for the entry (ms); relative expiry counts from it. */
  serverTime: number;
}

interface EventBase {
  /** The message's own id (hex; a legacy message keeps the id it carried). */
  id: string;
  /** Every extension the message carried, ours and unknown ones alike. */
  extensions: Map<number | string, ExtensionValue>;
}

export type ContentEvent =
  | (EventBase & {
      kind: "message";
      text: string;
      replyTo: string | null;
      /** When it disappears (ms since the epoch), or null. */
      expiresAt: number | null;
      /** The sender's clock (legacy content carries it; MIMI does not: the hub's time stands in). */
      sentAt: number;
      /** The files it carries (SPEC MD13); absent on a text. */
      attachments?: FileAttachment[];
    })
  | (EventBase & { kind: "reaction"; target: string; emoji: string | null; replaces: string | null })
  | (EventBase & { kind: "edit"; target: string; text: string })
  | (EventBase & { kind: "delete"; target: string })
  | (EventBase & { kind: "groupProfile"; title: string })
  /** Well-formed but nothing we act on (an unknown disposition or part): kept out of the chat, not an error. */
  | (EventBase & { kind: "unsupported"; reason: string });

export type Interpreted = { ok: true; event: ContentEvent } | { ok: false; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const MIMI_ARRAY_OF_7 = 0x87;

export function interpretContent(bytes: Uint8Array, context: ContentContext): Interpreted {
  // A MIMI message is a CBOR array of 7 (0x87); a protobuf Content starts with field 1's tag (0x0a).
  if (bytes[0] !== MIMI_ARRAY_OF_7) return interpretLegacy(bytes, context);
  const decoded = decodeMimiContent(bytes);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const content = decoded.value;
  const id = contentMessageId(context.senderAddress, context.conversationId, bytes, content.salt);
  try {
    return { ok: true, event: meaningOf(content, id, context) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function meaningOf(content: MimiContent, id: string, context: ContentContext): ContentEvent {
  const base = { id, extensions: content.extensions };
  const title = content.extensions.get(SB_EXTENSION.title);
  if (typeof title === "string") return { ...base, kind: "groupProfile", title };
  const body = content.body;
  const replaces = content.replaces && toHex(content.replaces);
  const inReplyTo = content.inReplyTo && toHex(content.inReplyTo);
  if (body.disposition === Disposition.reaction) {
    if (inReplyTo === null) return { ...base, kind: "unsupported", reason: "a reaction to nothing" };
    if (body.cardinality === Cardinality.nullPart)
      return replaces === null
        ? { ...base, kind: "unsupported", reason: "a reaction removal that replaces nothing" }
        : { ...base, kind: "reaction", target: inReplyTo, emoji: null, replaces };
    const emoji = textOf(body);
    if (emoji === undefined) return { ...base, kind: "unsupported", reason: "a reaction that is not text" };
    return { ...base, kind: "reaction", target: inReplyTo, emoji, replaces };
  }
  if (replaces !== null) {
    if (body.cardinality === Cardinality.nullPart) return { ...base, kind: "delete", target: replaces };
    const text = textOf(body);
    if (text === undefined) return { ...base, kind: "unsupported", reason: "an edit that is not text" };
    return { ...base, kind: "edit", target: replaces, text };
  }
  const file = readFileMessage(content);
  if (file && !file.ok) return { ...base, kind: "unsupported", reason: file.reason };
  const text = file ? file.file.caption : textOf(body);
  if (text === undefined) return { ...base, kind: "unsupported", reason: "a body that is not text" };
  return {
    ...base,
    kind: "message",
    text,
    ...(file ? { attachments: [file.file.attachment] } : {}),
    replyTo: inReplyTo,
    expiresAt: expiresAt(content, context.serverTime),
    sentAt: context.serverTime,
  };
}

/** The text of a single text/plain part (the only body we render yet). */
function textOf(part: NestedPart): string | undefined {
  if (part.cardinality !== Cardinality.single) return undefined;
  if (!/^text\/plain\b/i.test(part.contentType)) return undefined;
  try {
    return utf8.decode(part.content);
  } catch {
    return undefined;
  }
}

function expiresAt(content: MimiContent, serverTime: number): number | null {
  if (content.expires === null) return null;
  return content.expires.relative ? serverTime + content.expires.time * 1000 : content.expires.time * 1000;
}

function interpretLegacy(bytes: Uint8Array, context: ContentContext): Interpreted {
  const decoded = decodeContent(bytes);
  if (!decoded.ok) return { ok: false, reason: "neither MIMI content nor a protobuf Content" };
  const content = decoded.value;
  const base = { id: content.id, extensions: new Map<number | string, ExtensionValue>() };
  switch (content.body.case) {
    case "text":
      return {
        ok: true,
        event: {
          ...base,
          kind: "message",
          text: content.body.value.body,
          replyTo: null,
          expiresAt: null,
          sentAt: Number(content.sentAt) || context.serverTime,
        },
      };
    case "groupProfile":
      return { ok: true, event: { ...base, kind: "groupProfile", title: content.body.value.title } };
    default:
      return { ok: true, event: { ...base, kind: "unsupported", reason: "an unknown legacy body" } };
  }
}
