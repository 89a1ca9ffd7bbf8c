/**
 * Node-only entry point (`@switchboard/client/node`): adapters that need
 * native modules or the file system, kept out of the browser bundle.
 */
export { openSqliteLocalStore } from "./store/sqlite/open.js";
export { openNodeClient } from "./nodeClient.js";
export { createWebSocketTransport } from "./transport/wsTransport.js";
export { nodeAttachmentPlatform } from "./media/nodeAttachmentCrypto.js";
