/**
 * Reacting to a message (SPEC CT5, CT12): one reaction per person per
 * message. Reacting again replaces this person's previous reaction (the new
 * one `replaces` it); null takes it away.
 */
import { buildReaction } from "../content/build.js";
import { ClientError } from "../errors.js";
import type { LocalWrite } from "../store/port.js";
import { draftOf } from "./drafts.js";
import { normaliseId, sendContent, type SendDeps } from "./sendContent.js";

/** Resolves with the reaction message's id once the hub took it (null: there was nothing to remove). */
export async function react(
  deps: SendDeps,
  conversationId: string,
  messageId: string,
  emoji: string | null,
): Promise<{ id: string; seq: number | null } | null> {
  const target = normaliseId(messageId);
  if (emoji !== null && emoji.trim() === "")
    throw new ClientError("INVALID_ARGUMENT", "a reaction needs an emoji");
  const address = deps.identity().address;
  let nothingToRemove = false;
  const sent = await sendContent(deps, conversationId, async (conversation, now) => {
    const message = await deps.store.getMessage(conversation.id, target);
    if (!message) throw new ClientError("UNKNOWN_MESSAGE", `no message ${target} in this conversation`);
    if (message.deleted) throw new ClientError("MESSAGE_DELETED", "the message was deleted");
    const previous = (await deps.store.listReactions(conversation.id, target)).find(
      (r) => r.senderAddress === address,
    );
    if (emoji === null && !previous) {
      nothingToRemove = true;
      throw new ClientError("UNKNOWN_MESSAGE", "no reaction of yours to remove");
    }
    const built = buildReaction(target, emoji, previous?.reactionId ?? null);
    return draftOf(built, address, conversationId, (id): LocalWrite[] =>
      emoji === null
        ? [{ kind: "deleteReaction", conversationId, messageId: target, senderAddress: address }]
        : [
            {
              kind: "putReaction",
              reaction: {
                conversationId,
                messageId: target,
                senderAddress: address,
                emoji,
                reactionId: id,
                at: now,
              },
            },
          ],
    );
  }).catch((err: unknown) => {
    if (nothingToRemove) return null;
    throw err;
  });
  return sent && { id: sent.id, seq: sent.delivered?.seq ?? null };
}
