/**
 * Scenario harness: a real hub (SQLite file, in-process bus, real WebSockets)
 * and real SDK clients with real MLS, all in this process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type Hub } from "@switchboard/server";
import { SwitchboardClient, type LocalMessage } from "../../src/index.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";

export interface TestHub {
  hub: Hub;
  dir: string;
  dbPath: string;
  close(): Promise<void>;
}

export async function startTestHub(): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-scenario-"));
  const dbPath = join(dir, "hub.db");
  const hub = await startHub({ store: openSqliteStore({ path: dbPath }), bus: createMemoryBus(), apps: DEMO_APPS });
  return {
    hub,
    dir,
    dbPath,
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestDevice {
  client: SwitchboardClient;
  received: LocalMessage[];
  errors: unknown[];
}

/** Register a new account with one device on the hub, connected and listening. */
export async function newDevice(server: string, address: string): Promise<TestDevice> {
  const client = new SwitchboardClient({
    store: createMemoryStore(),
    engine: await createTsMlsEngine({ crypto: "node" }),
    transport: (url) => createWebSocketTransport(url),
  });
  await client.register(server, address, address);
  const device: TestDevice = { client, received: [], errors: [] };
  client.events.on("message", (m) => {
    if (!m.outgoing || m.senderDeviceId !== client.deviceId) device.received.push(m);
  });
  client.events.on("error", (e) => device.errors.push(e));
  await client.connect();
  return device;
}

/** Wait until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const texts = (messages: LocalMessage[], conversationId?: string) =>
  messages.filter((m) => conversationId === undefined || m.conversationId === conversationId).map((m) => m.text);
