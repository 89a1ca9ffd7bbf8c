/** Sending a text, or a reply to a message (SPEC CT3, CT4). */
import { buildReply, buildText } from "../content/build.js";
import { ClientError } from "../errors.js";
import { profileExtensions } from "../people/content.js";
import type { LocalMessage } from "../store/port.js";
import { draftOf, ownMessage } from "./drafts.js";
import { normaliseId, sendContent, type SendDeps } from "./sendContent.js";

/** Resolves with the message as stored once the hub took it: its MIMI id, its seq. */
export async function sendText(
  deps: SendDeps,
  conversationId: string,
  text: string,
  replyTo: string | null = null,
): Promise<LocalMessage> {
  if (text.trim() === "") throw new ClientError("INVALID_ARGUMENT", "a message needs some text");
  const original = replyTo === null ? null : normaliseId(replyTo);
  // [PP2] every text carries its sender's name: whoever reads it learns it, new members included.
  const extensions = await profileExtensions(deps.store);
  const { id } = await sendContent(deps, conversationId, async (conversation, now) => {
    if (original !== null && !(await deps.store.hasMessage(conversation.id, original)))
      throw new ClientError("UNKNOWN_MESSAGE", `no message ${original} in this conversation`);
    // [XP4] each message carries the timer it was sent under; until the hub
    // stamps it, expiresAt counts from this clock (the outbox moves it on).
    const seconds = deps.expiresAfterSeconds?.(conversation) ?? null;
    const options = { extensions, expiresAfterSeconds: seconds };
    const built = original === null ? buildText(text, options) : buildReply(original, text, options);
    const identity = deps.identity();
    return draftOf(built, identity.address, conversationId, (id) => [
      {
        kind: "putMessage",
        message: ownMessage(identity, conversationId, id, now, text, seconds, original),
      },
    ]);
  });
  const stored = await deps.store.getMessage(conversationId, id);
  if (!stored) throw new ClientError("UNKNOWN_MESSAGE", "the message left the store before it was sent");
  return stored;
}
