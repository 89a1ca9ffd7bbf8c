/**
 * What a device keeps of the files its messages carry (SPEC MD14): the
 * attachment (URL, key, nonce, hash, name ...) under the meta key
 * `attachment.<conversation>.<message>`, written in the same atomic batch as
 * the message, so a message and its file are stored together or not at all.
 * The meta table every adapter already has (sealed at rest in IndexedDB)
 * carries it: no new table in three stores for a value only ever read by
 * its key. Forgetting writes "" (as history chunks do): a message deleted
 * for everyone keeps no key to its file.
 */
import { fromHex, toHex } from "@switchboard/protocol";
import type { FileAttachment } from "../content/filePart.js";
import type { LocalStore, LocalWrite } from "../store/port.js";

export const attachmentKey = (conversationId: string, messageId: string): string =>
  `attachment.${conversationId}.${messageId}`;

type Stored = Omit<FileAttachment, "key" | "nonce" | "hash" | "thumbnail"> & {
  key: string;
  nonce: string;
  hash: string;
  thumbnail?: { type: string; bytes: string };
};

function toStored(file: FileAttachment): Stored {
  const { key, nonce, hash, thumbnail, ...rest } = file;
  return {
    ...rest,
    key: toHex(key),
    nonce: toHex(nonce),
    hash: toHex(hash),
    ...(thumbnail ? { thumbnail: { type: thumbnail.type, bytes: toHex(thumbnail.bytes) } } : {}),
  };
}

function fromStored(stored: Stored): FileAttachment {
  const { key, nonce, hash, thumbnail, ...rest } = stored;
  return {
    ...rest,
    key: fromHex(key),
    nonce: fromHex(nonce),
    hash: fromHex(hash),
    ...(thumbnail ? { thumbnail: { type: thumbnail.type, bytes: fromHex(thumbnail.bytes) } } : {}),
  };
}

/** Files as text (history bundles carry them so): "" for none. */
export function encodeAttachments(files: readonly FileAttachment[]): string {
  return files.length === 0 ? "" : JSON.stringify(files.map(toStored));
}

/** Files from their text; none from "" or from anything malformed. */
export function decodeAttachments(value: string): FileAttachment[] {
  if (value === "") return [];
  try {
    return (JSON.parse(value) as Stored[]).map(fromStored);
  } catch {
    return [];
  }
}

/** The writes that keep a message's files with it (none for a text). */
export function attachmentWrites(
  conversationId: string,
  messageId: string,
  files: readonly FileAttachment[] | undefined,
): LocalWrite[] {
  if (!files || files.length === 0) return [];
  return [
    {
      kind: "setMeta",
      key: attachmentKey(conversationId, messageId),
      value: JSON.stringify(files.map(toStored)),
    },
  ];
}

/** The files a stored message carries; [] for a text or a deleted message. */
export async function attachmentsOf(
  store: LocalStore,
  conversationId: string,
  messageId: string,
): Promise<FileAttachment[]> {
  return decodeAttachments((await store.getMeta(attachmentKey(conversationId, messageId))) ?? "");
}

/** The writes that forget a message's files (none when it has none), and the files forgotten. */
export async function forgetAttachments(
  store: LocalStore,
  conversationId: string,
  messageId: string,
): Promise<{ writes: LocalWrite[]; forgotten: FileAttachment[] }> {
  const forgotten = await attachmentsOf(store, conversationId, messageId);
  if (forgotten.length === 0) return { writes: [], forgotten };
  return {
    writes: [{ kind: "setMeta", key: attachmentKey(conversationId, messageId), value: "" }],
    forgotten,
  };
}
