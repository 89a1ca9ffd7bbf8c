/**
 * Message requests as state (SPEC PP3, PP4): per conversation, whether it is
 * a request waiting for the recipient, accepted or declined, and who sent
 * it. Kept in the LocalStore's meta, written in the same atomic batch as the
 * group state it goes with, so every adapter (memory, SQLite, IndexedDB)
 * keeps it with no new table. Pure helpers; people.ts does the I/O.
 */
import { splitAddress } from "@switchboard/protocol";
import type { LocalConversation, LocalStore, LocalWrite } from "../store/port.js";

export type RequestStatus = "pending" | "accepted" | "declined";

export interface RequestState {
  status: RequestStatus;
  /** Who started the conversation (the Welcome's sender). */
  from: string;
  /** When this device filed it (ms). */
  at: number;
}

export const requestKey = (conversationId: string): string => `people.request.${conversationId}`;
export const nameKey = (address: string): string => `people.name.${address}`;
/** "1" while this device knows `address` is blocked (set by its own block and unblock). */
export const blockedKey = (address: string): string => `people.blocked.${address}`;

export async function readRequest(
  store: LocalStore,
  conversationId: string,
): Promise<RequestState | undefined> {
  const raw = await store.getMeta(requestKey(conversationId));
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<RequestState>;
    if (
      (parsed.status === "pending" || parsed.status === "accepted" || parsed.status === "declined") &&
      typeof parsed.from === "string" &&
      typeof parsed.at === "number"
    )
      return { status: parsed.status, from: parsed.from, at: parsed.at };
  } catch {
    // A value this build did not write: treat as no request.
  }
  return undefined;
}

export function requestWrite(conversationId: string, state: RequestState): LocalWrite {
  return { kind: "setMeta", key: requestKey(conversationId), value: JSON.stringify(state) };
}

const appOf = (address: string): string | undefined => {
  const split = splitAddress(address);
  return split.ok ? split.address.app : undefined;
};

/**
 * [PP3] Whether a conversation this device is invited into by `from` is a
 * message request: this account's app takes requests, `from` is on another
 * app (an app's policy is about reach from other apps, DIR4), and this
 * device has no other conversation with `from` that is not itself a request
 * (`pending` holds the pending and declined ones).
 */
export function isRequest(input: {
  me: string;
  from: string;
  reach: string;
  conversationId: string;
  conversations: readonly LocalConversation[];
  pending: ReadonlySet<string>;
}): boolean {
  if (input.reach !== "requests" || input.from === input.me) return false;
  if (appOf(input.from) === appOf(input.me)) return false;
  return !input.conversations.some(
    (c) =>
      c.active &&
      c.id !== input.conversationId &&
      !input.pending.has(c.id) &&
      c.participants.includes(input.from),
  );
}
