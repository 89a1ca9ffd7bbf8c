/** A ready SDK client for Node: a locked profile directory with a SQLite local store, node:crypto MLS, WebSocket transport. */
import { join } from "node:path";
import { SwitchboardClient } from "./client.js";
import { DeviceTrust } from "./devices/trust.js";
import { createTsMlsEngine } from "./mls/index.js";
import { lockProfile } from "./profileLock.js";
import type { LocalStore } from "./store/port.js";
import { openSqliteLocalStore } from "./store/sqlite/open.js";
import { createWebSocketTransport } from "./transport/wsTransport.js";
import { nodeAttachmentPlatform } from "./media/nodeAttachmentCrypto.js";

export async function openNodeClient(
  profileDir: string,
  options: { clock?: () => number; servers?: string; connectTimeoutMs?: number } = {},
): Promise<SwitchboardClient> {
  const lock = lockProfile(profileDir);
  let store: LocalStore;
  try {
    store = releasingOnClose(openSqliteLocalStore(join(profileDir, "device.db")), () => lock.release());
  } catch (err) {
    lock.release();
    throw err;
  }
  // The engine refuses any group member whose approval chain does not check out.
  const trust = new DeviceTrust();
  const engine = await createTsMlsEngine({
    crypto: "node",
    verifyMember: trust.verify,
    verifyRemoval: trust.verifyRemoval,
  });
  return new SwitchboardClient({
    store,
    engine,
    trust,
    transport: (server) => createWebSocketTransport(server),
    attachmentPlatform: nodeAttachmentPlatform,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
  });
}

/** The same store, whose close() also releases the profile lock. */
function releasingOnClose(store: LocalStore, release: () => void): LocalStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === "close") {
        return async () => {
          try {
            await target.close();
          } finally {
            release();
          }
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
