/**
 * What people content changes when it comes in (SPEC PP2, PP4), as writes
 * that go in the same batch as the message's group state:
 * - a display name: the sender's latest name, per account (and, sent by
 *   another device of this account, this device's own name too);
 * - anything this account sent from another of its devices into a pending
 *   request (a reply, a profile): the request was accepted there;
 * - this account's decline from another device: the conversation is dropped
 *   here too (out of the chats, its messages deleted), until its sender
 *   writes again: then it is a request again.
 */
import type { ContentEvent } from "../content/interpret.js";
import type { LocalConversation, LocalStore, LocalWrite } from "../store/port.js";
import { MY_NAME, displayNameOf, isDecline } from "./content.js";
import { blockedKey, nameKey, readRequest, requestWrite } from "./requestState.js";

/** Whether this device knows `address` is blocked (its own block, or a `blocked()` listing). */
export async function isBlockedHere(store: LocalStore, address: string): Promise<boolean> {
  return (await store.getMeta(blockedKey(address))) === "1";
}

export async function peopleWrites(
  store: LocalStore,
  conversation: LocalConversation,
  event: ContentEvent,
  entry: { senderAddress: string; outgoing: boolean; serverTime: number },
): Promise<LocalWrite[]> {
  const writes: LocalWrite[] = [];
  const name = displayNameOf(event);
  if (name !== undefined) writes.push({ kind: "setMeta", key: nameKey(entry.senderAddress), value: name });
  // A name this account set on another of its devices is this device's name from now on.
  if (name !== undefined && entry.outgoing) writes.push({ kind: "setMeta", key: MY_NAME, value: name });
  const request = await readRequest(store, conversation.id);
  if (!entry.outgoing) {
    // A new message in a declined request makes it a request again, unless
    // this device blocked its sender (a group's messages are not stopped at the hub).
    if (
      request?.status === "declined" &&
      event.kind === "message" &&
      !(await isBlockedHere(store, entry.senderAddress))
    )
      writes.push(
        requestWrite(conversation.id, { status: "pending", from: entry.senderAddress, at: entry.serverTime }),
      );
    return writes;
  }
  if (request?.status !== "pending") return writes;
  if (isDecline(event)) {
    writes.push(requestWrite(conversation.id, { ...request, status: "declined" }));
    for (const message of await store.listMessages(conversation.id))
      writes.push({ kind: "deleteMessage", conversationId: conversation.id, id: message.id });
    return writes;
  }
  writes.push(requestWrite(conversation.id, { ...request, status: "accepted" }));
  return writes;
}
