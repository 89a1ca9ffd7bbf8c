/**
 * [XP7] How long the hub keeps an outgoing entry, which the sender says in
 * the clear (SendMessage.expires_after_seconds): a disappearing message its
 * own lifetime; an edit, reaction or delete of one (their MIMI `replaces` or
 * `inReplyTo` names it) what is left of its target's, so the edit's new text
 * does not outlive the message on the hub. 0: the hub keeps it as any other.
 */
import { decodeMimiContent, toHex } from "@switchboard/protocol";
import type { LocalStore, OutboxItem } from "../store/port.js";

export async function hubLifetimeSeconds(store: LocalStore, item: OutboxItem, now: number): Promise<number> {
  const own = await store.getMessage(item.conversationId, item.clientMessageId);
  if (own) return own.expiresAt === null ? 0 : Math.ceil(Math.max(0, own.expiresAt - own.sentAt) / 1000);
  if (item.plaintext === null) return 0;
  const decoded = decodeMimiContent(item.plaintext);
  if (!decoded.ok) return 0;
  const target = decoded.value.replaces ?? decoded.value.inReplyTo;
  if (target === null) return 0;
  const original = await store.getMessage(item.conversationId, toHex(target));
  if (original?.expiresAt == null) return 0;
  // At least a second: 0 would mean "keep it".
  return Math.max(1, Math.ceil((original.expiresAt - now) / 1000));
}
