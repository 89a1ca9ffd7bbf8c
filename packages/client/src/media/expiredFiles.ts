/**
 * [XP5] A message that disappears takes its files with it: this device
 * forgets their keys (the attachment record in its store), and the sender's
 * device deletes the blob at the hub at once instead of waiting for the
 * hub's own expiry (MD7), as a delete for everyone does (MD14).
 */
import type { LocalMessage, LocalStore } from "../store/port.js";
import { forgetAttachments } from "./attachmentRecords.js";

export async function forgetExpiredFiles(
  store: LocalStore,
  message: LocalMessage,
  deleteBlob: (blobId: string) => Promise<void>,
): Promise<number> {
  const { writes, forgotten } = await forgetAttachments(store, message.conversationId, message.id);
  if (writes.length > 0) await store.write(writes);
  // One the hub no longer has (it expired there first) is fine.
  if (message.outgoing) for (const file of forgotten) await deleteBlob(file.id).catch(() => undefined);
  return forgotten.length;
}
