/**
 * Assembles one hub node: HTTP (health) and WebSocket gateway in front of the
 * directory and delivery service, over a Store and a Bus passed in. Any number
 * of nodes may share one Store and Bus (with adapters that allow it).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { WebSocketServer } from "ws";
import { LIMITS } from "@switchboard/protocol";
import type { Bus } from "./bus/port.js";
import type { Clock } from "./caller.js";
import type { AppConfig } from "./config/apps.js";
import { createBusAnnouncer, SYNC_HINT_FRAME } from "./delivery/announcer.js";
import type { MayAdd } from "./delivery/addChecks.js";
import { Blocklist } from "./people/blocklist.js";
import { DeliveryService } from "./delivery/deliveryService.js";
import { DEFAULT_MEMBERSHIP_SETTINGS, type MembershipSettings } from "./delivery/membershipSettings.js";
import { DeviceMessages } from "./delivery/deviceMessages.js";
import { LeaveProposals } from "./delivery/leaveProposals.js";
import { Pruner, type PrunerTimers } from "./delivery/pruner.js";
import { RemovalProposals } from "./delivery/removalProposals.js";
import { storageSettings, type StorageSettings } from "./delivery/retention.js";
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
import { createWebClient } from "./gateway/webClient.js";
import { ConnectionLimiter } from "./gateway/connectionLimiter.js";
import { TurnBudget } from "./gateway/turnBudget.js";
import {
  clientAddress,
  DEFAULT_CONNECTION_SETTINGS,
  originAllowed,
  REAL_TIMERS,
  type ConnectionSettings,
  type Timers,
} from "./gateway/connectionSettings.js";
import { LocalRouter } from "./gateway/router.js";
import { serveHttp } from "./gateway/httpEndpoints.js";
import { HubMetrics } from "./metrics/hubMetrics.js";
import { instrument } from "./metrics/instrument.js";
import { generateHubSigningKey } from "./mls/hubSender.js";
import { RateLimits } from "./rateLimit/rateLimits.js";
import { rateLimitSettings, type LimitName } from "./rateLimit/rateLimitSettings.js";
import type { BucketRate } from "./rateLimit/tokenBucket.js";
import type { HubSigningKey, Store } from "./store/port.js";
import { startMedia, type MediaOptions } from "./media/mount.js";
import { EphemeralRelay } from "./ephemeral/ephemeralRelay.js";

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
  /** Retention and quotas (delivery/retention.ts); defaults for what is absent. */
  storage?: Partial<StorageSettings>;
  /**
   * The hub's external-sender key (secrets/hubKey.ts loadHubKey: from a key
   * file or the environment; `serve` always passes one). Absent (tests,
   * embedding), a key kept in the store is used, as before the key file.
   */
  hubKey?: HubSigningKey;
  /** The pruner's timers (tests); the global ones when absent. */
  pruneTimers?: PrunerTimers;
  /** Connection limits (gateway/connectionSettings.ts); defaults for what is absent. */
  connections?: Partial<ConnectionSettings>;
  /** Rate limits (rateLimit/rateLimitSettings.ts); defaults for what is absent. */
  rateLimits?: { limits?: Partial<Record<LimitName, BucketRate>>; maxBuckets?: number };
  /** Timers for the connections' deadlines (tests inject their own). */
  timers?: Timers;
  /** [DS14] Whether one account may add another to groups (blocks plug in here); all allowed when absent. */
  mayAdd?: MayAdd;
  /** [DS15] [DS16] Page sizes and caps on membership; DEFAULT_MEMBERSHIP_SETTINGS when absent. */
  membership?: Partial<MembershipSettings>;
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

export async function startHub(hubOptions: HubOptions): Promise<Hub> {
  const log = hubOptions.logger ?? pino({ level: "silent" });
  const clock = hubOptions.clock ?? Date.now;
  // The Store and Bus every part uses are timed into /metrics (a decorator, not the adapters).
  const metrics = new HubMetrics({
    openConnections: () => limiter.open,
    queuedBytes: () => [...wss.clients].reduce((sum, ws) => sum + ws.bufferedAmount, 0),
  });
  const options: HubOptions = {
    ...hubOptions,
    store: instrument(hubOptions.store, metrics.storeSeconds),
    bus: instrument(hubOptions.bus, metrics.busSeconds),
  };
  const apps = new AppRegistry(options.apps);
  const storage = storageSettings(options.storage);
  const announcer = createBusAnnouncer(options.bus, (err) => log.warn({ err }, "bus publish failed"));
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
    for (const id of deviceIds) revocation?.afterMoved(id);
  });
  // Every node of a cluster signs as the same external sender: `serve` loads
  // it from a key file or the environment; without one, the first node to
  // start stores its key in the store (tests, embedding).
  const hubKey = options.hubKey ?? (await options.store.hubSigningKey(generateHubSigningKey()));
  if (hubKey.privateKey.length === 0)
    throw new Error("the hub key lives in a key file now: start the hub with it (HubOptions.hubKey)");
  const removals = new RemovalProposals(options.store, announcer, clock, hubKey);
  const onRemovalError = (err: unknown, conversationId: string) =>
    log.warn({ err, conversation: conversationId }, "removal proposal failed");
  const membership: MembershipSettings = { ...DEFAULT_MEMBERSHIP_SETTINGS, ...options.membership };
  const blocklist = new Blocklist(options.store, apps, clock);
  const delivery = new DeliveryService(options.store, apps, announcer, clock, {
    hubPublicKey: hubKey.publicKey,
    removals,
    onError: onRemovalError,
    maxQueuedBytes: storage.maxQueuedBytesPerDevice,
    mayAdd: options.mayAdd ?? blocklist.mayAdd,
    membership,
  });
  const pruner = new Pruner(
    options.store,
    clock,
    storage,
    (err) => log.warn({ err }, "pruning failed"),
    options.pruneTimers,
    (run) => {
      if (run.entries + run.inboxItems + run.expiredEntries > 0) log.info(run, "pruned");
    },
  );
  pruner.start();
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
    blocklist,
    deviceMessages: new DeviceMessages(options.store, announcer, clock, storage.maxInboxBytesPerDevice),
    leaves: new LeaveProposals(options.store, announcer, clock),
    media: media?.service,
    hubSignatureKey: hubKey.publicKey,
    clock,
    rateLimits: new RateLimits(rateLimitSettings(options.rateLimits), clock),
    membership,
    ephemeral: new EphemeralRelay(options.store, options.bus, clock),
  };
  services.rateLimits.onLimited = (limit) => metrics.rateLimited.inc({ limit });

  const endpoints = {
    deviceCount: () => router.deviceCount,
    readiness: { store: () => options.store.ping(), bus: () => options.bus.ping() },
    registry: metrics.registry,
    log,
    web: createWebClient(options.webRoot, options.apps),
    ...(media ? { media: media.http } : {}),
  };
  const http: Server = createServer((req, res) => serveHttp(req, res, endpoints));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
  });
  const alive = new WeakSet<object>();
  const settings = { ...DEFAULT_CONNECTION_SETTINGS, ...options.connections };
  const limiter = new ConnectionLimiter(settings.maxConnections, settings.maxConnectionsPerIp);
  const context = {
    services,
    router,
    log,
    settings,
    timers: options.timers ?? REAL_TIMERS,
    metrics,
    turnBudget: new TurnBudget(settings.answerBytesPerTurn),
  };
  http.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    if (!originAllowed(req.headers.origin, req.headers.host, settings.allowedOrigins)) {
      metrics.connectionsRefused.inc();
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    // SPEC EG3: counted until the TCP socket closes, whether or not the handshake completes.
    const ip = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], settings);
    if (!limiter.tryAcquire(ip)) {
      metrics.connectionsRefused.inc();
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    socket.once("close", () => limiter.release(ip));
    metrics.connectionsAccepted.inc();
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on("pong", () => alive.add(ws));
      new ClientConnection(ws, context, ip);
    });
  });
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      // A connection whose reading the send budget paused cannot see its pong;
      // the budget's own deadline closes it if it is stuck (SPEC EG2).
      if (!alive.has(ws) && !ws.isPaused) {
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
        await pruner.stop();
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
