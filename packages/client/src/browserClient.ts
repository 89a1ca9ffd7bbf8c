/**
 * A ready SDK client for the browser: an IndexedDB local store with its
 * secrets wrapped by a non-extractable key, MLS on WebCrypto, the browser's
 * WebSocket, and a Web Lock so one tab at a time uses a profile.
 */
import { SwitchboardClient } from "./client.js";
import { webCryptoProvider } from "./crypto/webCryptoProvider.js";
import { DeviceTrust } from "./devices/trust.js";
import type { ClientError } from "./errors.js";
import { protectSigningKey } from "./identity/signer.js";
import { createTsMlsEngineOn } from "./mls/tsMlsEngine.js";
import { lockBrowserProfile, type BrowserProfileLock } from "./profile/webLock.js";
import { closedStore } from "./store/errors.js";
import { openIndexedDbLocalStore } from "./store/indexeddb/store.js";
import type { LocalStore } from "./store/port.js";
import type { ReceiptStore } from "./store/receiptsPort.js";
import type { MessageSearchStore } from "./store/searchPort.js";
import type { MessageExpiryStore } from "./store/expiryPort.js";
import { createBrowserWebSocketTransport } from "./transport/browserWebSocket.js";
import { webAttachmentPlatform } from "./media/webAttachmentCrypto.js";

export interface BrowserClientOptions {
  /** Several profiles (say, one per app) can live in one origin. Default "default". */
  profile?: string;
  /** Take the profile over from another tab that has it open; that tab is told and closes its client. */
  takeOver?: boolean;
  clock?: () => number;
  /** Called once another tab took this profile over, after this client was closed. */
  onTakenOver?: (error: ClientError) => void;
}

/** The IndexedDB database of a profile. */
export function profileDatabaseName(profile: string): string {
  return `switchboard/${profile}`;
}

/**
 * Open the profile's client. Rejects with ClientError PROFILE_IN_USE while
 * another tab has it (unless `takeOver`).
 */
export async function openBrowserClient(options: BrowserClientOptions = {}): Promise<SwitchboardClient> {
  const profile = options.profile ?? "default";
  const lock = await lockBrowserProfile(profile, options.takeOver === true ? { takeOver: true } : {});
  let store: LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore;
  try {
    store = guarded(await openIndexedDbLocalStore(profileDatabaseName(profile)), lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
  // The engine refuses any group member whose approval chain does not check out.
  const trust = new DeviceTrust();
  const engine = await createTsMlsEngineOn(webCryptoProvider, {
    verifyMember: trust.verify,
    verifyRemoval: trust.verifyRemoval,
  });
  const client = new SwitchboardClient({
    store,
    engine,
    trust,
    transport: (server) => createBrowserWebSocketTransport(server),
    attachmentPlatform: webAttachmentPlatform(),
    // The seed becomes a non-extractable WebCrypto key; the client carries a handle to it.
    protectIdentity: async (identity) => ({
      ...identity,
      signaturePrivateKey: await protectSigningKey(identity.signaturePrivateKey),
    }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  void lock.lost.then(async (error) => {
    client.events.emit("error", { error, context: "profile" });
    await client.close().catch(() => undefined);
    options.onTakenOver?.(error);
  });
  return client;
}

/**
 * The store, refusing writes once the profile was taken over (the other tab
 * owns the group states now: a late write from here would fork them), and
 * releasing the lock when closed.
 */
function guarded(
  store: LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore,
  lock: BrowserProfileLock,
): LocalStore & ReceiptStore & MessageSearchStore & MessageExpiryStore {
  let lost = false;
  void lock.lost.then(() => (lost = true));
  return {
    // The store's own ports (receipts, search, expiry): without them the SDK would keep
    // receipts in memory only, never sweep expired messages and refuse to search (WB18).
    listReceipts: (conversationId, messageId) => store.listReceipts(conversationId, messageId),
    putReceipts: async (receipts) => {
      if (lost) throw closedStore();
      return store.putReceipts(receipts);
    },
    searchMessages: (query, options) => store.searchMessages(query, options),
    listExpiredMessages: (now, limit) => store.listExpiredMessages(now, limit),
    nextExpiry: () => store.nextExpiry(),
    scrub: async () => {
      if (lost) throw closedStore();
      return store.scrub();
    },
    getIdentity: () => store.getIdentity(),
    getKeyPackage: (ref) => store.getKeyPackage(ref),
    countKeyPackages: () => store.countKeyPackages(),
    listKeyPackages: () => store.listKeyPackages(),
    getConversation: (id) => store.getConversation(id),
    listConversations: () => store.listConversations(),
    hasMessage: (conversationId, id) => store.hasMessage(conversationId, id),
    listMessages: (conversationId, listing) => store.listMessages(conversationId, listing),
    listRecentMessages: (conversationId, listing) => store.listRecentMessages(conversationId, listing),
    getMessage: (conversationId, id) => store.getMessage(conversationId, id),
    listReactions: (conversationId, messageId) => store.listReactions(conversationId, messageId),
    listOutbox: () => store.listOutbox(),
    getMeta: (key) => store.getMeta(key),
    write: async (writes) => {
      if (lost) throw closedStore();
      return store.write(writes);
    },
    close: async () => {
      try {
        await store.close();
      } finally {
        await lock.release();
      }
    },
  };
}
