/**
 * How our names map to MIMI URIs (draft-ietf-mimi-content §2.2 and
 * draft-mahy-mimi-identity), for the message ids of messageId.ts:
 *
 *   an account   "handle@app"          -> mimi://<app>/u/<handle, percent-encoded>
 *   a device     "handle@app" + id     -> mimi://<app>/d/<handle>/<device id>
 *   a conversation (its MLS group id)  -> mimi://<hub>/r/<conversation id>
 *
 * Each app is a MIMI provider, so its id is the URI's authority; the hub that
 * orders the room is the room's. Sender and room URIs are derived from the
 * authenticated MLS sender and the group, never read from the message.
 */
import { splitAddress } from "../address.js";

/** The room authority when a deployment names none: our hub as a MIMI provider. */
export const DEFAULT_HUB_DOMAIN = "switchboard";

export function userUri(address: string): string {
  const split = splitAddress(address);
  if (!split.ok) throw new RangeError(split.reason);
  return `mimi://${split.address.app}/u/${encodeURIComponent(split.address.handle)}`;
}

export function deviceUri(address: string, deviceId: string): string {
  const split = splitAddress(address);
  if (!split.ok) throw new RangeError(split.reason);
  return `mimi://${split.address.app}/d/${encodeURIComponent(split.address.handle)}/${deviceId}`;
}

export function roomUri(conversationId: string, hubDomain: string = DEFAULT_HUB_DOMAIN): string {
  return `mimi://${hubDomain}/r/${conversationId}`;
}
