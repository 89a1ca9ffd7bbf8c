/**
 * What status traffic looks like inside MLS (SPEC RS1, RS2, EP6). Pure.
 * - A receipt batch is MIMI content whose single part is a message status
 *   report (draft-mahy-mimi-message-status, `application/mimi-message-status`).
 * - Typing and presence are MIMI content with a single part of our own media
 *   type; they travel by ephemeral send only, never in the log.
 * Receivers recognise all three before the chat content interpreter, so none
 * of them becomes a message, and none is ever receipted.
 */
import {
  Cardinality,
  Disposition,
  MESSAGE_STATUS_CONTENT_TYPE,
  MIMI_LIMITS,
  MessageStatus,
  decodeMimiContent,
  decodeStatusReport,
  encodeMimiContent,
  encodeStatusReport,
  fromHex,
  toHex,
} from "@switchboard/protocol";
import type { ReceiptStatus } from "../store/receiptsPort.js";
import { MIMI_ARRAY_OF_7 } from "./receiptsMark.js";

export const TYPING_CONTENT_TYPE = "application/vnd.switchboard.typing";
export const PRESENCE_CONTENT_TYPE = "application/vnd.switchboard.presence";

export type StatusSignal =
  | { kind: "receipts"; entries: { messageId: string; status: ReceiptStatus }[] }
  | { kind: "typing" }
  | { kind: "presence"; online: boolean };

const CODE: Record<ReceiptStatus, number> = { delivered: MessageStatus.delivered, read: MessageStatus.read };
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function mimi(contentType: string, content: Uint8Array, salt?: Uint8Array): Uint8Array {
  return encodeMimiContent({
    salt: salt ?? globalThis.crypto.getRandomValues(new Uint8Array(MIMI_LIMITS.saltBytes)),
    replaces: null,
    topicId: new Uint8Array(0),
    expires: null,
    inReplyTo: null,
    extensions: new Map(),
    body: {
      disposition: Disposition.unspecified,
      language: "",
      cardinality: Cardinality.single,
      contentType,
      content,
    },
  });
}

/** One batch: many messages' statuses in one encrypted message (draft §3). */
export function receiptsContent(
  entries: readonly { messageId: string; status: ReceiptStatus }[],
  salt?: Uint8Array,
): Uint8Array {
  const report = encodeStatusReport(
    entries.map((e) => ({ messageId: fromHex(e.messageId), status: CODE[e.status] })),
  );
  return mimi(MESSAGE_STATUS_CONTENT_TYPE, report, salt);
}

export function typingContent(): Uint8Array {
  return mimi(TYPING_CONTENT_TYPE, new Uint8Array(0));
}

export function presenceContent(online: boolean): Uint8Array {
  return mimi(PRESENCE_CONTENT_TYPE, utf8.encode(online ? "online" : "offline"));
}

/**
 * The signal a plaintext carries, or undefined for anything else (chat
 * content, which the content interpreter reads). Statuses other than
 * delivered and read (unread, expired, ...) are valid and skipped.
 */
export function readSignal(plaintext: Uint8Array): StatusSignal | undefined {
  if (plaintext[0] !== MIMI_ARRAY_OF_7) return undefined;
  const decoded = decodeMimiContent(plaintext);
  if (!decoded.ok) return undefined;
  const body = decoded.value.body;
  if (body.cardinality !== Cardinality.single) return undefined;
  switch (body.contentType) {
    case MESSAGE_STATUS_CONTENT_TYPE: {
      const report = decodeStatusReport(body.content);
      if (!report.ok) return undefined;
      const entries: { messageId: string; status: ReceiptStatus }[] = [];
      for (const e of report.value) {
        if (e.status === MessageStatus.delivered)
          entries.push({ messageId: toHex(e.messageId), status: "delivered" });
        else if (e.status === MessageStatus.read)
          entries.push({ messageId: toHex(e.messageId), status: "read" });
      }
      return { kind: "receipts", entries };
    }
    case TYPING_CONTENT_TYPE:
      return { kind: "typing" };
    case PRESENCE_CONTENT_TYPE:
      return { kind: "presence", online: fromUtf8.decode(body.content) === "online" };
    default:
      return undefined;
  }
}

export { isReceiptsContent } from "./receiptsMark.js";
