/**
 * Deleting a message (SPEC CT7, CT11). For everyone: one's own message within
 * 48 h; every device keeps a tombstone and drops the text (LS9). For me: this
 * device forgets the message and its reactions; nothing is sent.
 */
import { buildDelete } from "../content/build.js";
import { applyDelete, mayDeleteForEveryone } from "../content/rules.js";
import { ClientError } from "../errors.js";
import { supportsExpiry } from "../store/expiryPort.js";
import type { LocalMessage, LocalStore } from "../store/port.js";
import type { FileAttachment } from "../content/filePart.js";
import { forgetAttachments } from "../media/attachmentRecords.js";
import { draftOf } from "./drafts.js";
import { normaliseId, refuse, sendContent, type SendDeps } from "./sendContent.js";

export async function deleteForEveryone(
  deps: SendDeps,
  conversationId: string,
  messageId: string,
): Promise<{ id: string; seq: number | null }> {
  const target = normaliseId(messageId);
  let forgotten: FileAttachment[] = [];
  const sent = await sendContent(deps, conversationId, async (conversation, now) => {
    const original = await deps.store.getMessage(conversation.id, target);
    const address = deps.identity().address;
    refuse(mayDeleteForEveryone(original, address, now));
    const files = await forgetAttachments(deps.store, conversation.id, target);
    forgotten = files.forgotten;
    return draftOf(buildDelete(target), address, conversationId, () => [
      { kind: "putMessage", message: applyDelete(original as LocalMessage) },
      ...files.writes,
    ]);
  });
  await scrubDeleted(deps.store);
  // [MD14] the sender's blob goes from the hub too; one the hub no longer has (expired) is fine.
  for (const file of forgotten) await deps.deleteBlob?.(file.id).catch(() => undefined);
  return { id: sent.id, seq: sent.delivered?.seq ?? null };
}

/** [XP6] The deleted text leaves the store's files too (a WAL still holds it until checkpointed). */
async function scrubDeleted(store: LocalStore): Promise<void> {
  if (supportsExpiry(store)) await store.scrub();
}

export async function deleteForMe(deps: SendDeps, conversationId: string, messageId: string): Promise<void> {
  const target = messageId.toLowerCase();
  await deps.queue.run(conversationId, async () => {
    if (!(await deps.store.hasMessage(conversationId, target)))
      throw new ClientError("UNKNOWN_MESSAGE", `no message ${target} in this conversation`);
    const files = await forgetAttachments(deps.store, conversationId, target);
    await deps.store.write([{ kind: "deleteMessage", conversationId, id: target }, ...files.writes]);
  });
  await scrubDeleted(deps.store);
}
