/**
 * Builders for LocalStore records: valid by default, each field overridable,
 * with distinct bytes per record so a mix-up between records shows.
 */
import { UNCHANGED_MESSAGE } from "../../src/store/messageDefaults.js";
import type { StoredGroupState } from "../../src/store/groupStateParts.js";
import type {
  LocalConversation,
  LocalMessage,
  LocalStore,
  OutboxItem,
  StoredIdentity,
  StoredKeyPackage,
} from "../../src/store/port.js";

/** `length` bytes starting at `seed`, wrapping: distinct per seed, every value 0-255 for length >= 256. */
export function bytes(seed: number, length = 32): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i) & 0xff);
}

export function identity(overrides: Partial<StoredIdentity> = {}): StoredIdentity {
  return {
    address: "alice@instagram",
    deviceId: "abcdefghijklmnopqrstuvwxyz",
    displayName: "Alice Ångström 👩‍💻",
    signaturePublicKey: bytes(1),
    signaturePrivateKey: bytes(2),
    server: "wss://hub.example:8443",
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function keyPackage(ref: string, overrides: Partial<StoredKeyPackage> = {}): StoredKeyPackage {
  return {
    ref,
    publicMessage: bytes(ref.length + 10, 300),
    privateState: bytes(ref.length + 20, 64),
    lastResort: false,
    createdAt: 1_700_000_000_100,
    ...overrides,
  };
}

/** A group state of one part (SPEC ST40), its version named by its contents. */
export function groupState(
  seed: number,
  length: number,
  extra: [string, Uint8Array][] = [],
): StoredGroupState {
  return { version: `v-${seed}-${length}`, parts: new Map([["core", bytes(seed, length)], ...extra]) };
}

export function conversation(id: string, overrides: Partial<LocalConversation> = {}): LocalConversation {
  return {
    id,
    kind: "group",
    title: `group ${id}`,
    peer: null,
    participants: ["alice@instagram", "+14155550100@whatsapp"],
    groupState: groupState(id.length + 30, 512),
    epoch: 3,
    appliedSeq: 7,
    active: true,
    createdAt: 1_700_000_001_000,
    updatedAt: 1_700_000_002_000,
    ...overrides,
  };
}

export function message(
  conversationId: string,
  id: string,
  overrides: Partial<LocalMessage> = {},
): LocalMessage {
  return {
    id,
    conversationId,
    seq: 1,
    senderAddress: "bob@messenger",
    senderDeviceId: "bcdefghijklmnopqrstuvwxyza",
    text: `hello ${id} ✉️`,
    sentAt: 1_700_000_003_000,
    serverTime: 1_700_000_003_500,
    outgoing: false,
    ...UNCHANGED_MESSAGE,
    ...overrides,
  };
}

/** An outgoing message still in the outbox. */
export function unsent(conversationId: string, id: string, sentAt: number): LocalMessage {
  return message(conversationId, id, {
    seq: null,
    serverTime: null,
    outgoing: true,
    sentAt,
    senderAddress: "alice@instagram",
  });
}

export function outboxItem(
  clientMessageId: string,
  conversationId: string,
  overrides: Partial<OutboxItem> = {},
): OutboxItem {
  return {
    clientMessageId,
    conversationId,
    payload: bytes(clientMessageId.length + 40, 100),
    epoch: 3,
    createdAt: 1_700_000_004_000,
    plaintext: bytes(clientMessageId.length + 7, 30),
    ...overrides,
  };
}

/** Ids of the messages `listMessages` returns, in order. */
export async function messageIds(
  store: LocalStore,
  conversationId: string,
  options?: { afterSeq?: number; limit?: number },
): Promise<string[]> {
  return (await store.listMessages(conversationId, options)).map((m) => m.id);
}
