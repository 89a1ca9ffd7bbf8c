import { ClientError } from "../errors.js";
import type { LocalConversation, LocalStore } from "../store/port.js";

/** The conversation this device is still a member of, or a ClientError saying why not. */
export async function requireConversation(store: LocalStore, id: string): Promise<LocalConversation> {
  const conversation = await store.getConversation(id);
  if (!conversation) throw new ClientError("UNKNOWN_CONVERSATION", `no conversation ${id} on this device`);
  if (!conversation.active)
    throw new ClientError("NOT_A_MEMBER", `this device is no longer in conversation ${id}`);
  return conversation;
}
