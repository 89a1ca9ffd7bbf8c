/** A hub with media enabled, and authenticated raw clients that get upload tokens. */
import {
  DEMO_APPS,
  createMemoryBus,
  openSqliteStore,
  startHub,
  type Hub,
  type Store,
} from "../../src/index.js";
import type { BlobStore } from "../../src/media/blobStore.js";
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from "../../src/media/settings.js";
import type { SweepTimers } from "../../src/media/mediaService.js";
import { RawClient, newKeys, sign, type RequestOp } from "../gateway/rawClient.js";

export interface MediaHub {
  hub: Hub;
  /** The hub's clock; tests move it. */
  clock: { now: number };
  /** Register `handle@instagram` and return its connection. */
  register(handle: string): Promise<RawClient>;
  close(): Promise<void>;
}

/** Timers that never fire: tests call sweep() through the clock instead. */
export const idleTimers: SweepTimers = { setInterval: () => ({}), clearInterval: () => {} };

export async function startMediaHub(
  blobs: BlobStore,
  settings: Partial<MediaSettings> = {},
  store: Store = openSqliteStore({ path: ":memory:" }),
  timers: SweepTimers = idleTimers,
): Promise<MediaHub> {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const hub = await startHub({
    store,
    bus: createMemoryBus(),
    apps: DEMO_APPS,
    clock: () => clock.now,
    media: { blobs, settings: { ...DEFAULT_MEDIA_SETTINGS, ...settings }, timers },
  });
  const clients: RawClient[] = [];
  return {
    hub,
    clock,
    async register(handle) {
      const client = await RawClient.connect(hub.url);
      clients.push(client);
      const challenge = await client.hello();
      const keys = newKeys();
      const registered = await client.request(
        {
          case: "register",
          value: {
            address: `${handle}@instagram`,
            displayName: handle,
            signatureKey: keys.publicKey,
            signature: sign(keys.privateKey, challenge),
          },
        },
        1n,
      );
      if (registered.result.case !== "register")
        throw new Error(`register failed: ${JSON.stringify(registered.result)}`);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await hub.close();
    },
  };
}

let nextId = 100n;

/** Send one request; its result (a response or an error). */
export async function call(
  client: RawClient,
  op: RequestOp,
): Promise<Awaited<ReturnType<RawClient["request"]>>["result"]> {
  return (await client.request(op, nextId++)).result;
}

export async function uploadToken(
  client: RawClient,
  expiresInMs = 0,
): Promise<{ token: string; maxFileBytes: number; quotaRemaining: number }> {
  const result = await call(client, {
    case: "createUploadToken",
    value: { expiresInMs: BigInt(expiresInMs) },
  });
  if (result.case !== "createUploadToken") throw new Error(`no token: ${JSON.stringify(result)}`);
  return {
    token: result.value.token,
    maxFileBytes: Number(result.value.maxFileBytes),
    quotaRemaining: Number(result.value.quotaRemaining),
  };
}
