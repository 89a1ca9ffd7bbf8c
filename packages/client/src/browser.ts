/**
 * Browser entry point (`@switchboard/client/browser`): everything of the core
 * entry, plus the browser's adapters. Nothing here or below it imports
 * `node:*`, `ws` or `better-sqlite3` (test/browser/bundle.test.ts checks the
 * bundle).
 */
export * from "./index.js";
export { openBrowserClient, profileDatabaseName, type BrowserClientOptions } from "./browserClient.js";
export { webCryptoProvider } from "./crypto/webCryptoProvider.js";
export { createTsMlsEngineOn } from "./mls/tsMlsEngine.js";
export { lockBrowserProfile, type BrowserProfileLock } from "./profile/webLock.js";
export { openIndexedDbLocalStore } from "./store/indexeddb/store.js";
export {
  createBrowserWebSocketTransport,
  type BrowserTransportOptions,
} from "./transport/browserWebSocket.js";
