/**
 * From built MIMI content to an outbox draft: the id is computed as every
 * receiver will compute it (SPEC CT2), from this account's address, the
 * conversation and the exact bytes.
 */
import type { BuiltContent } from "../content/build.js";
import { contentMessageId } from "../content/ids.js";
import type { LocalWrite } from "../store/port.js";
import type { OutgoingDraft } from "./outbox.js";

export function draftOf(
  built: BuiltContent,
  senderAddress: string,
  conversationId: string,
  writes: (id: string) => LocalWrite[] = () => [],
): OutgoingDraft {
  const id = contentMessageId(senderAddress, conversationId, built.bytes, built.content.salt);
  return { id, plaintext: built.bytes, writes: writes(id) };
}
