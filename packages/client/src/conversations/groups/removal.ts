/**
 * [GR5] This device is no longer in a conversation (removed, or it left):
 * the conversation is kept, inactive, for its history; nothing queued for
 * it will ever be accepted, so its outbox items go in the same write.
 * Without this, a removed member's unsent message stayed in the outbox and
 * every later sync tried it again.
 */
import type { LocalConversation, LocalStore, LocalWrite } from "../../store/port.js";

export async function endMembership(
  store: LocalStore,
  conversation: LocalConversation,
  at: number,
  extra: LocalWrite[] = [],
): Promise<LocalConversation> {
  const ended: LocalConversation = { ...conversation, active: false, updatedAt: at };
  const queued = (await store.listOutbox()).filter((o) => o.conversationId === conversation.id);
  await store.write([
    ...extra,
    { kind: "putConversation", conversation: ended },
    ...queued.map((o): LocalWrite => ({ kind: "deleteOutbox", clientMessageId: o.clientMessageId })),
  ]);
  return ended;
}
