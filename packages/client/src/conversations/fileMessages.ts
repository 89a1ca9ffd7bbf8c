/** Sending a message that carries a file already uploaded (SPEC MD12, MD14). */
import { buildFile } from "../content/build.js";
import type { FileAttachment } from "../content/filePart.js";
import { ClientError } from "../errors.js";
import { attachmentWrites } from "../media/attachmentRecords.js";
import type { LocalMessage } from "../store/port.js";
import { draftOf, ownMessage } from "./drafts.js";
import { sendContent, type SendDeps } from "./sendContent.js";

/** Resolves with the message as stored once the hub took it; its text is the caption. */
export async function sendFileMessage(
  deps: SendDeps,
  conversationId: string,
  file: FileAttachment,
  caption: string,
): Promise<LocalMessage> {
  const { id } = await sendContent(deps, conversationId, (conversation, now) => {
    const identity = deps.identity();
    // [XP4] a file message disappears under the conversation's timer like a text.
    const seconds = deps.expiresAfterSeconds?.(conversation) ?? null;
    const built = buildFile(file, caption, { expiresAfterSeconds: seconds });
    return draftOf(built, identity.address, conversationId, (id) => [
      { kind: "putMessage", message: ownMessage(identity, conversationId, id, now, caption, seconds) },
      ...attachmentWrites(conversationId, id, [file]),
    ]);
  });
  const stored = await deps.store.getMessage(conversationId, id);
  if (!stored) throw new ClientError("UNKNOWN_MESSAGE", "the message left the store before it was sent");
  return stored;
}
