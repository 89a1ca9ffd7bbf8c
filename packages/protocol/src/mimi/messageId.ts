/**
 * MIMI message ids (draft-ietf-mimi-content-08 §3.3):
 *
 *   hash_output = SHA-256( senderUriLength || senderUri ||
 *                          roomUriLength   || roomUri   || message || salt )
 *   messageId   = 0x01 || hash_output[0..30]
 *
 * with big-endian 16-bit lengths. The salt goes in twice (it is inside the
 * message too) against SHA-256 length extension. Sender and room come from
 * the authenticated MLS context (uris.ts), never from the message itself.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { HASH_ALG_SHA_256, MIMI_LIMITS } from "./content.js";

const utf8 = new TextEncoder();

export function mimiMessageId(
  senderUri: string,
  roomUri: string,
  message: Uint8Array,
  salt: Uint8Array,
): Uint8Array {
  const sender = utf8.encode(senderUri);
  const room = utf8.encode(roomUri);
  if (sender.length > 0xffff || room.length > 0xffff) throw new RangeError("a URI is over 65,535 bytes");
  const input = new Uint8Array(2 + sender.length + 2 + room.length + message.length + salt.length);
  const view = new DataView(input.buffer);
  let at = 0;
  view.setUint16(at, sender.length);
  input.set(sender, (at += 2));
  view.setUint16((at += sender.length), room.length);
  input.set(room, (at += 2));
  input.set(message, (at += room.length));
  input.set(salt, at + message.length);
  const id = new Uint8Array(MIMI_LIMITS.messageIdBytes);
  id[0] = HASH_ALG_SHA_256;
  id.set(sha256(input).subarray(0, MIMI_LIMITS.messageIdBytes - 1), 1);
  return id;
}
