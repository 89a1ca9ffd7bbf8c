/**
 * The people content of a conversation (SPEC PP2, PP4), as MIMI content with
 * a null `profile` body and our extensions (content/extensions.ts): a
 * person's display name, and a recipient's decision on a message request.
 * Interpreters that do not know them see an "unsupported" event and keep it
 * out of the chat; the extensions ride along on that event.
 */
import {
  Cardinality,
  Disposition,
  MIMI_LIMITS,
  encodeMimiContent,
  normaliseDisplayName,
  type MimiContent,
} from "@switchboard/protocol";
import type { BuiltContent } from "../content/build.js";
import type { ContentEvent } from "../content/interpret.js";
import type { LocalStore } from "../store/port.js";

export const PEOPLE_EXTENSION = {
  /** The sender's display name (text, normalised and checked as DIR11). */
  displayName: "sb.displayName",
  /** A request decision by the recipient: "declined" (text). */
  request: "sb.request",
} as const;

function profileContent(extensions: Map<string, string>, salt?: Uint8Array): BuiltContent {
  const content: MimiContent = {
    salt: salt ?? globalThis.crypto.getRandomValues(new Uint8Array(MIMI_LIMITS.saltBytes)),
    replaces: null,
    topicId: new Uint8Array(0),
    // A profile outlives a disappearing-message timer: it is state, not chat.
    expires: null,
    inReplyTo: null,
    extensions: new Map<number | string, unknown>(extensions),
    body: { disposition: Disposition.profile, language: "", cardinality: Cardinality.nullPart },
  };
  return { content, bytes: encodeMimiContent(content) };
}

/** Meta key of this account's name as last set (people.setName), over the registered one. */
export const MY_NAME = "people.myName";

/** This account's display name: as last set, else as registered; undefined when it has none (only its address). */
export async function myDisplayName(store: LocalStore): Promise<string | undefined> {
  const set = await store.getMeta(MY_NAME);
  if (set !== undefined && set !== "") return set;
  const identity = await store.getIdentity();
  return identity && identity.displayName !== identity.address && identity.displayName !== ""
    ? identity.displayName
    : undefined;
}

/** [PP2] The extensions an outgoing text carries: this account's name, when it has one. */
export async function profileExtensions(store: LocalStore): Promise<Map<string, unknown>> {
  const name = await myDisplayName(store);
  return new Map(name === undefined ? [] : [[PEOPLE_EXTENSION.displayName, name]]);
}

/** [PP2] this person's display name, for everyone in the conversation. */
export function buildProfile(displayName: string, salt?: Uint8Array): BuiltContent {
  return profileContent(new Map([[PEOPLE_EXTENSION.displayName, displayName]]), salt);
}

/** [PP4] the recipient declined the request: its other devices drop the conversation too. */
export function buildDecline(salt?: Uint8Array): BuiltContent {
  return profileContent(new Map([[PEOPLE_EXTENSION.request, "declined"]]), salt);
}

/** The display name an event carries, when it is a valid one (DIR11); undefined otherwise. */
export function displayNameOf(event: ContentEvent): string | undefined {
  const value = event.extensions.get(PEOPLE_EXTENSION.displayName);
  if (typeof value !== "string") return undefined;
  const checked = normaliseDisplayName(value);
  return checked.ok && checked.name.trim() !== "" ? checked.name : undefined;
}

export function isDecline(event: ContentEvent): boolean {
  return event.extensions.get(PEOPLE_EXTENSION.request) === "declined";
}
