/** A ready SDK client for Node: SQLite local store in a profile directory, node:crypto MLS, WebSocket transport. */
import { join } from "node:path";
import { SwitchboardClient } from "./client.js";
import { createTsMlsEngine } from "./mls/index.js";
import { openSqliteLocalStore } from "./store/sqlite/open.js";
import { createWebSocketTransport } from "./transport/wsTransport.js";

export async function openNodeClient(
  profileDir: string,
  options: { clock?: () => number } = {},
): Promise<SwitchboardClient> {
  const store = openSqliteLocalStore(join(profileDir, "device.db"));
  const engine = await createTsMlsEngine({ crypto: "node" });
  return new SwitchboardClient({
    store,
    engine,
    transport: (server) => createWebSocketTransport(server),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
