/** Editing one's own message (SPEC CT6, CT10): within 24 h of sending, at most 10 times. */
import { buildEdit } from "../content/build.js";
import { applyEdit, mayEdit } from "../content/rules.js";
import { ClientError } from "../errors.js";
import type { LocalMessage } from "../store/port.js";
import { draftOf } from "./drafts.js";
import { normaliseId, refuse, sendContent, type SendDeps } from "./sendContent.js";

/** Resolves with the edited message once the hub took the edit, and the edit's own id and seq. */
export async function edit(
  deps: SendDeps,
  conversationId: string,
  messageId: string,
  text: string,
): Promise<{ message: LocalMessage; id: string; seq: number | null }> {
  const target = normaliseId(messageId);
  if (text.trim() === "") throw new ClientError("INVALID_ARGUMENT", "an edit needs some text");
  const sent = await sendContent(deps, conversationId, async (conversation, now) => {
    const original = await deps.store.getMessage(conversation.id, target);
    const address = deps.identity().address;
    refuse(mayEdit(original, address, now));
    const edited = applyEdit(original as LocalMessage, text, now);
    return draftOf(buildEdit(target, text), address, conversationId, () => [
      { kind: "putMessage", message: edited },
    ]);
  });
  const message = await deps.store.getMessage(conversationId, target);
  if (!message) throw new ClientError("UNKNOWN_MESSAGE", "the message left the store");
  return { message, id: sent.id, seq: sent.delivered?.seq ?? null };
}
