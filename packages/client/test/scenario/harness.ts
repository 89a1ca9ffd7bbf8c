/**
 * Scenario harness: a real hub (SQLite file, in-process bus, real WebSockets)
 * and real SDK clients with real MLS, all in this process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { decodeServerFrame } from "@switchboard/protocol";
import {
  DEFAULT_MEDIA_SETTINGS,
  DEMO_APPS,
  createMemoryBus,
  openFsBlobStore,
  openSqliteStore,
  startHub,
  type AppConfig,
  type Hub,
  type HubOptions,
  type MediaSettings,
  type Store,
  type Verifier,
} from "@switchboard/server";
import {
  DeviceTrust,
  SwitchboardClient,
  type LocalMessage,
  type LocalStore,
  type RpcTimings,
} from "../../src/index.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { nodeAttachmentPlatform } from "../../src/media/nodeAttachmentCrypto.js";
import type { Transport } from "../../src/transport/port.js";

export interface TestHub {
  hub: Hub;
  store: Store;
  dir: string;
  dbPath: string;
  /** Everything the hub logged (at debug level), as text. */
  logs(): string;
  close(): Promise<void>;
}

export async function startTestHub(
  options: {
    clock?: () => number;
    apps?: readonly AppConfig[];
    /** Per app id, a Verifier in place of what the app's config asks for. */
    verifiers?: Record<string, Verifier>;
    storage?: HubOptions["storage"];
    pruneTimers?: HubOptions["pruneTimers"];
    rateLimits?: HubOptions["rateLimits"];
    connections?: HubOptions["connections"];
    /** Attachments on, stored under `<dir>/blobs` (SPEC MD), with these settings over the defaults. */
    media?: boolean | Partial<MediaSettings>;
  } = {},
): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-scenario-"));
  const dbPath = join(dir, "hub.db");
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const store = openSqliteStore({ path: dbPath });
  const hub = await startHub({
    store,
    bus: createMemoryBus(),
    apps: options.apps ?? DEMO_APPS,
    logger: pino({ level: "debug" }, sink),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.verifiers ? { verifiers: options.verifiers } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.pruneTimers ? { pruneTimers: options.pruneTimers } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.media
      ? {
          media: {
            blobs: await openFsBlobStore(join(dir, "blobs")),
            settings: { ...DEFAULT_MEDIA_SETTINGS, ...(options.media === true ? {} : options.media) },
          },
        }
      : {}),
  });
  return {
    hub,
    store,
    dir,
    dbPath,
    logs: () => lines.join(""),
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestDevice {
  client: SwitchboardClient;
  store: LocalStore;
  received: LocalMessage[];
  errors: unknown[];
}

/**
 * A transport that can hold back the hub's pushes (responses still pass), to
 * make a device miss what happens in real time, deterministically.
 */
export class PushGate {
  held = false;
  private readonly buffered: { deliver: () => void }[] = [];

  wrap(inner: Transport): Transport {
    return {
      connect: (handlers) =>
        inner.connect({
          onClose: (reason) => handlers.onClose(reason),
          onMessage: (bytes) => {
            const frame = decodeServerFrame(bytes);
            if (this.held && frame.ok && frame.value.body.case === "push")
              this.buffered.push({ deliver: () => handlers.onMessage(bytes) });
            else handlers.onMessage(bytes);
          },
        }),
    };
  }

  release(): void {
    this.held = false;
    for (const item of this.buffered.splice(0)) item.deliver();
  }
}

/** An SDK client as an app would make one: memory store, node:crypto MLS that checks approval chains. */
export async function newClient(
  options: {
    gate?: PushGate;
    random?: () => number;
    clock?: () => number;
    /** Another transport than the WebSocket one (a test's fault injection). */
    transport?: (url: string) => Transport;
    timings?: RpcTimings;
    /** How the SDK waits out a retry-after (a test moves a fake clock instead). */
    wait?: (ms: number) => Promise<void>;
    /** Another LocalStore than a fresh memory one (a test that looks at the SQLite file). */
    store?: LocalStore;
  } = {},
): Promise<TestDevice> {
  const store = options.store ?? createMemoryStore();
  const trust = new DeviceTrust();
  const client = new SwitchboardClient({
    store,
    engine: await createTsMlsEngine({
      crypto: "node",
      verifyMember: trust.verify,
      verifyRemoval: trust.verifyRemoval,
    }),
    trust,
    attachmentPlatform: nodeAttachmentPlatform,
    ...(options.random ? { random: options.random } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.wait ? { wait: options.wait } : {}),
    transport: (url) => {
      const transport = options.transport?.(url) ?? createWebSocketTransport(url);
      return options.gate ? options.gate.wrap(transport) : transport;
    },
  });
  const device: TestDevice = { client, store, received: [], errors: [] };
  client.events.on("message", (m) => {
    if (!m.outgoing || m.senderDeviceId !== client.deviceId) device.received.push(m);
  });
  client.events.on("error", (e) => device.errors.push(e));
  return device;
}

/** Register a new account with one device on the hub, connected and listening. */
export async function newDevice(
  server: string,
  address: string,
  options: { gate?: PushGate } = {},
): Promise<TestDevice> {
  const device = await newClient(options);
  await device.client.register(server, address, address);
  await device.client.connect();
  return device;
}

/** Wait until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const texts = (messages: LocalMessage[], conversationId?: string) =>
  messages
    .filter((m) => conversationId === undefined || m.conversationId === conversationId)
    .map((m) => m.text);
