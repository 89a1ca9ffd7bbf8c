/** How messages are shown: a line of text for people, one JSON object per line for scripts. */
import type { LocalConversation, LocalMessage } from "@switchboard/client";

export function formatMessage(
  message: LocalMessage,
  conversation: LocalConversation | undefined,
  json: boolean,
): string {
  if (json) {
    return JSON.stringify({
      conversation: message.conversationId,
      from: message.senderAddress,
      fromDevice: message.senderDeviceId,
      text: message.text,
      sentAt: new Date(message.sentAt).toISOString(),
      id: message.id,
      seq: message.seq,
    });
  }
  const where =
    conversation?.kind === "group" ? `[${conversation.title || conversation.id.slice(0, 8)}] ` : "";
  const time = new Date(message.sentAt).toLocaleTimeString();
  return `${time} ${where}${message.senderAddress}: ${message.text}`;
}
