/**
 * From built MIMI content to an outbox draft: the id is computed as every
 * receiver will compute it (SPEC CT2), from this account's address, the
 * conversation and the exact bytes.
 */
import type { BuiltContent } from "../content/build.js";
import { contentMessageId } from "../content/ids.js";
import type { DeviceIdentity } from "../mls/engine.js";
import { UNCHANGED_MESSAGE } from "../store/messageDefaults.js";
import type { LocalMessage, LocalWrite } from "../store/port.js";
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

/**
 * A message this device sends, as stored before the hub has it (no seq yet):
 * a text, a reply or a file's caption. `expiresAfterSeconds` is the
 * conversation's timer (SPEC XP4); until the hub stamps the message its
 * expiry counts from this device's clock.
 */
export function ownMessage(
  identity: Pick<DeviceIdentity, "address" | "deviceId">,
  conversationId: string,
  id: string,
  now: number,
  text: string,
  expiresAfterSeconds: number | null,
  replyTo: string | null = null,
): LocalMessage {
  return {
    id,
    conversationId,
    seq: null,
    senderAddress: identity.address,
    senderDeviceId: identity.deviceId,
    text,
    sentAt: now,
    serverTime: null,
    outgoing: true,
    ...UNCHANGED_MESSAGE,
    replyTo,
    expiresAt: expiresAfterSeconds === null ? null : now + expiresAfterSeconds * 1000,
  };
}
