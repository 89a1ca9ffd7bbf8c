/**
 * What a person typed and has not sent, per chat: switching chats (or a new
 * group opening itself once created) keeps each draft with its own chat,
 * instead of carrying it into the next one, where Send would post it.
 * Kept for the tab's life only: a draft is plaintext, and the store is for
 * what was sent.
 */
const drafts = new Map<string, string>();

export function draftOf(conversationId: string): string {
  return drafts.get(conversationId) ?? "";
}

export function keepDraft(conversationId: string, text: string): void {
  if (text === "") drafts.delete(conversationId);
  else drafts.set(conversationId, text);
}
