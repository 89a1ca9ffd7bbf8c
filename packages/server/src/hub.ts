/**
 * Assembles one hub node: HTTP (health) and WebSocket gateway in front of the
 * directory and delivery service, over a Store and a Bus passed in. Any number
 * of nodes may share one Store and Bus (with adapters that allow it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { WebSocketServer } from "ws";
import { LIMITS } from "@switchboard/protocol";
import type { Bus } from "./bus/port.js";
import type { Clock } from "./caller.js";
import type { AppConfig } from "./config/apps.js";
import { createBusAnnouncer, SYNC_HINT_FRAME } from "./delivery/announcer.js";
import { DeliveryService } from "./delivery/deliveryService.js";
import { DeviceMessages } from "./delivery/deviceMessages.js";
import { RemovalProposals } from "./delivery/removalProposals.js";
import { Revocation } from "./delivery/revocation.js";
import { AppRegistry } from "./directory/apps.js";
import { Directory } from "./directory/directory.js";
import { Linking } from "./directory/linking.js";
import {
  DEFAULT_VERIFICATION_SETTINGS,
  VerificationCodes,
  type VerificationSettings,
} from "./directory/verificationCodes.js";
import { verifierFor, type Verifier } from "./directory/verifier.js";
import { ClientConnection } from "./gateway/connection.js";
import { createWebClient, type WebClient } from "./gateway/webClient.js";
import { LocalRouter } from "./gateway/router.js";
import { generateHubSigningKey } from "./mls/hubSender.js";
import type { Store } from "./store/port.js";
import type { MediaHttp } from "./media/mediaHttp.js";
import { startMedia, type MediaOptions } from "./media/mount.js";

export interface HubOptions {
  store: Store;
  bus: Bus;
  apps: readonly AppConfig[];
  host?: string;
  port?: number;
  logger?: Logger;
  clock?: Clock;
  /**
   * Per app id, a Verifier that replaces what the app's config asks for
   * (tests). Otherwise each app's `verification` setting picks one.
   */
  verifiers?: Readonly<Record<string, Verifier>>;
  /** Code lifetime, guesses and issue budget (SPEC DIR9). */
  verification?: VerificationSettings;
  /** The web client's build (packages/web/dist), served at / and /<app>/; absent, those say how to build it. */
  webRoot?: string;
  /** Attachments (SPEC MD): where ciphertext is stored, and its limits. Absent: no uploads or downloads. */
  media?: MediaOptions;
}

export interface Hub {
  /** "http://host:port" */
  readonly url: string;
  readonly port: number;
  /** Stop accepting, close every connection, then close the Store and Bus. */
  close(): Promise<void>;
}

const LISTEN_BACKLOG = 4096;

/** Keepalive: a connection that does not answer a ping within this long is dropped. */
const PING_INTERVAL_MS = 30_000;

export async function startHub(options: HubOptions): Promise<Hub> {
  const log = options.logger ?? pino({ level: "silent" });
  const clock = options.clock ?? Date.now;
  const apps = new AppRegistry(options.apps);
  const announcer = createBusAnnouncer(options.bus, (err) =>
    log.warn({ err: String(err) }, "bus publish failed"),
  );
  const verification = options.verification ?? DEFAULT_VERIFICATION_SETTINGS;
  // Built once per app at start, so a webhook app without a URL fails the start, not a request.
  const verifiers = new Map(
    options.apps.map((app) => [
      app.id,
      options.verifiers?.[app.id] ?? verifierFor(app, log, verification.webhookTimeoutMs),
    ]),
  );
  const codes = new VerificationCodes(options.store, clock, verification, (app) => verifiers.get(app.id));
  let revocation: Revocation | undefined;
  const directory = new Directory(options.store, apps, clock, codes, announcer, async (deviceIds) => {
    for (const id of deviceIds) await revocation?.afterRevoked(id);
  });
  // Every node of a cluster signs as the same external sender: the first to start stores its key.
  const hubKey = await options.store.hubSigningKey(generateHubSigningKey());
  const removals = new RemovalProposals(options.store, announcer, clock, hubKey);
  const onRemovalError = (err: unknown, conversationId: string) =>
    log.warn({ err: String(err), conversation: conversationId }, "removal proposal failed");
  const delivery = new DeliveryService(options.store, apps, announcer, clock, {
    hubPublicKey: hubKey.publicKey,
    removals,
    onError: onRemovalError,
  });
  const router = new LocalRouter(options.bus);
  // After a bus outage (NATS restarted): this node's devices may have missed
  // pushes other nodes published, and the devices behind the topics this
  // node dropped missed those. Everything is in the Store; both sync.
  const stopResume = options.bus.onResume((droppedTopics) => {
    router.pushToAll(SYNC_HINT_FRAME);
    for (const topic of droppedTopics) announcer.syncHint(topic);
  });
  const media = options.media && startMedia(options.media, { hubPrivateKey: hubKey.privateKey, clock, log });
  const services = {
    directory,
    delivery,
    linking: new Linking(options.store, apps, clock, announcer),
    revocation: (revocation = new Revocation(options.store, announcer, removals, clock, onRemovalError)),
    deviceMessages: new DeviceMessages(options.store, announcer, clock),
    media: media?.service,
    hubSignatureKey: hubKey.publicKey,
    clock,
  };

  const web = createWebClient(options.webRoot, options.apps);
  const http: Server = createServer((req, res) => serveHttp(req, res, router, web, media?.http));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
  });
  const alive = new WeakSet<object>();
  http.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on("pong", () => alive.add(ws));
      new ClientConnection(ws, services, router, log);
    });
  });
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    // Node's default accept backlog (511) overflows when thousands of devices
    // reconnect at once (a deploy, a crash): the kernel drops their handshakes
    // and they wait out TCP's retry backoff. The kernel caps it at somaxconn.
    http.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1", backlog: LISTEN_BACKLOG }, () =>
      resolve(),
    );
  });
  const address = http.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url }, "hub listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        clearInterval(pinger);
        stopResume();
        for (const ws of wss.clients) ws.close(1001, "server shutting down");
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await media?.close();
        await options.bus.close();
        await options.store.close();
        log.info("hub stopped");
      })();
      return closing;
    },
  };
}

function serveHttp(
  req: IncomingMessage,
  res: ServerResponse,
  router: LocalRouter,
  web: WebClient,
  media: MediaHttp | undefined,
): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (media?.serve(req, res, path)) return;
  if (web.serve(req, res, path)) return;
  if (req.method === "GET" && path === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", devices: router.deviceCount }));
    return;
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "NOT_FOUND" }));
}
