/**
 * The Bus on NATS core pub/sub, for many nodes. Core NATS is at-most-once,
 * which is all the Bus promises (the Store is the truth; JetStream's
 * durability would buy nothing here). Each topic is a subject under a prefix,
 * `conv.<id>` -> `<prefix>.conv.<id>`, so several clusters or test runs can
 * share one NATS server; a node subscribes only to the subjects its router
 * asks for, never to a wildcard.
 *
 * A node's own subscribers get its publishes in-process, as on the in-process
 * bus, and the connection asks NATS not to echo them back (`noEcho`): a
 * message for a device on the same node does not make the trip to NATS and
 * back, and NATS carries only what other nodes subscribed to.
 *
 * Nothing here throws into the hub's request path once the bus is open: a
 * publish that cannot go out (connection down, payload over the server's
 * max_payload, bus closed) is dropped and logged, and devices get the entry
 * when they next sync.
 */
import { connect, DebugEvents, Events, type NatsConnection, type Status, type Subscription } from "nats";
import { pino, type Logger } from "pino";
import { BusError, badTopic } from "./errors.js";
import { createMemoryBus } from "./memoryBus.js";
import { isBusTopic, type Bus, type BusHandler } from "./port.js";

export const DEFAULT_NATS_PREFIX = "switchboard";

export type BusLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export interface NatsBusOptions {
  /** One or more NATS URLs ("nats://host:4222" or "host:4222"); the client fails over between them. */
  servers: string | string[];
  /** The connection's name, shown by NATS monitoring (e.g. the node's name). */
  name?: string;
  /** Subject namespace, dot-separated tokens (default "switchboard"). */
  prefix?: string;
  /** Where drops, outages and handler errors are reported (default: silent). */
  logger?: BusLogger;
  /** Wait between reconnect attempts, in ms (default 1000), plus up to `reconnectJitterMs` (default 1000). */
  reconnectWaitMs?: number;
  reconnectJitterMs?: number;
  /** Called when the connection is back after a loss (see Bus.onResume). */
  onResume?: (droppedTopics: readonly string[]) => void;
}

export interface NatsBusStats {
  published: number;
  delivered: number;
  dropped: { disconnected: number; oversize: number; closed: number; failed: number };
  reconnects: number;
}

export interface NatsBus extends Bus {
  readonly prefix: string;
  /** Largest message the server accepts, in bytes (its max_payload). */
  readonly maxPayload: number;
  /** Resolves once the server has seen every subscribe and publish made so far. */
  flush(): Promise<void>;
  stats(): NatsBusStats;
}

/** How often the client pings the server, and how many unanswered pings mean the link is dead (~30 s). */
const PING_INTERVAL_MS = 10_000;
const MAX_PINGS_OUT = 3;
/** close() drains (pending publishes go out); a server that does not answer within this is abandoned. */
const DRAIN_TIMEOUT_MS = 5_000;
/** Topics remembered per outage for onResume (~100 bytes each): a bound on memory, not a promise. */
const MAX_DROPPED_TOPICS = 100_000;

export async function openNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const prefix = options.prefix ?? DEFAULT_NATS_PREFIX;
  if (!isBusTopic(prefix)) {
    throw new BusError(
      "BAD_OPTION",
      `NATS subject prefix must be dot-separated [A-Za-z0-9_-] tokens: ${prefix}`,
    );
  }
  const log = options.logger ?? pino({ level: "silent" });
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name ?? "switchboard-hub",
      // Reconnect forever: nats.js waits reconnectWaitMs plus a random jitter
      // between attempts (per server), so nodes that lost the same server do
      // not all come back in one instant. It resubscribes on reconnect.
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectWaitMs ?? 1_000,
      reconnectJitter: options.reconnectJitterMs ?? 1_000,
      pingInterval: PING_INTERVAL_MS,
      maxPingOut: MAX_PINGS_OUT,
      // This node's own subscribers got the message in-process (publish).
      noEcho: true,
    });
  } catch (err) {
    const where = [options.servers].flat().map(withoutCredentials).join(", ");
    throw new BusError("UNREACHABLE", `cannot reach NATS at ${where}`, { cause: err });
  }
  return new NatsBusAdapter(nc, prefix, log, options.onResume);
}

class NatsBusAdapter implements NatsBus {
  private connected = true;
  private closing: Promise<void> | undefined;
  private droppedThisOutage = 0;
  private readonly counts: NatsBusStats = {
    published: 0,
    delivered: 0,
    dropped: { disconnected: 0, oversize: 0, closed: 0, failed: 0 },
    reconnects: 0,
  };
  /**
   * nats.js 2.29 never ends a connection's status iterators, even on close;
   * at run time they are QueuedIterators, which stop().
   */
  private readonly statuses: AsyncIterable<Status> & { stop?: () => void };
  maxPayload: number;
  private readonly resumeHandlers = new Set<(droppedTopics: readonly string[]) => void>();
  /** The topics of publishes dropped during the current outage (each once), up to MAX_DROPPED_TOPICS. */
  private droppedTopics = new Set<string>();
  /** This node's subscribers: they get its own publishes from publish(), not from NATS. */
  private readonly local = createMemoryBus();

  constructor(
    private readonly nc: NatsConnection,
    readonly prefix: string,
    private readonly log: BusLogger,
    onResume: ((droppedTopics: readonly string[]) => void) | undefined,
  ) {
    if (onResume) this.resumeHandlers.add(onResume);
    this.maxPayload = nc.info?.max_payload ?? 1024 * 1024;
    this.statuses = nc.status();
    this.watch().catch((err: unknown) => this.log.warn({ err }, "NATS status watch ended"));
    nc.closed()
      .then((err) => {
        if (err && !this.closing) this.log.error({ err }, "NATS connection closed for good");
      })
      .catch(() => {});
  }

  async publish(topic: string, message: Uint8Array): Promise<void> {
    const dropped = this.counts.dropped;
    if (this.closing) {
      if (!isBusTopic(topic)) throw badTopic(topic);
      dropped.closed++;
      return;
    }
    // Checks the topic, and whatever happens to NATS, this node's own devices get it.
    await this.local.publish(topic, message);
    if (!this.connected) {
      // nats.js would buffer it, then discard its buffer when it dials again
      // (2.29: ProtocolHandler.prepare resets the outbound buffer), so drop
      // it now: memory stays bounded through a long outage, and the count
      // is honest. At-most-once: devices get the entry when they sync.
      dropped.disconnected++;
      this.droppedThisOutage++;
      if (this.droppedTopics.size < MAX_DROPPED_TOPICS) this.droppedTopics.add(topic);
      return;
    }
    if (message.length > this.maxPayload) {
      // The entry is durable already; its recipients fetch it on their next
      // sync. Raise max_payload on the server if this is logged.
      dropped.oversize++;
      this.log.warn(
        { topic, bytes: message.length, maxPayload: this.maxPayload },
        "bus message over NATS max_payload dropped",
      );
      return;
    }
    try {
      this.nc.publish(this.subject(topic), message);
      this.counts.published++;
    } catch (err) {
      dropped.failed++;
      this.log.warn({ topic, err }, "bus publish failed; dropped");
    }
  }

  onResume(handler: (droppedTopics: readonly string[]) => void): () => void {
    this.resumeHandlers.add(handler);
    return () => this.resumeHandlers.delete(handler);
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    if (!isBusTopic(topic)) throw badTopic(topic);
    if (this.closing) return () => {};
    let sub: Subscription;
    try {
      sub = this.nc.subscribe(this.subject(topic), {
        callback: (err, msg) => {
          if (err) return this.log.warn({ topic, err }, "bus subscription error");
          if (this.closing) return;
          this.counts.delivered++;
          this.call(topic, handler, msg.data);
        },
      });
    } catch (err) {
      // Only when the connection is closed for good (logged there): nothing to deliver.
      this.log.warn({ topic, err }, "bus subscribe failed");
      return () => {};
    }
    const endLocal = this.local.subscribe(topic, (m) => {
      this.counts.delivered++;
      this.call(topic, handler, m);
    });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      endLocal();
      if (this.nc.isClosed() || this.nc.isDraining()) return;
      try {
        sub.unsubscribe();
      } catch (err) {
        this.log.debug({ topic, err }, "bus unsubscribe failed");
      }
    };
  }

  /** A handler that throws would otherwise end nats.js's reader loop, or the publisher's send. */
  private call(topic: string, handler: BusHandler, message: Uint8Array): void {
    try {
      handler(message);
    } catch (err) {
      this.log.error({ topic, err }, "bus handler failed");
    }
  }

  flush(): Promise<void> {
    return this.nc.flush();
  }

  /** A round trip to the NATS server; fails at once while disconnected or closed. */
  async ping(): Promise<void> {
    if (this.closing !== undefined || this.nc.isClosed()) throw new Error("the bus is closed");
    if (!this.connected) throw new Error("NATS is disconnected");
    await this.nc.flush();
  }

  stats(): NatsBusStats {
    return { ...this.counts, dropped: { ...this.counts.dropped } };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.connected) {
        try {
          await withTimeout(this.nc.drain(), DRAIN_TIMEOUT_MS);
        } catch (err) {
          this.log.warn({ err }, "NATS drain failed; closing");
        }
      }
      if (!this.nc.isClosed()) await this.nc.close();
      this.statuses.stop?.();
      await this.local.close();
    })();
    return this.closing;
  }

  private subject(topic: string): string {
    return `${this.prefix}.${topic}`;
  }

  /** Back after an outage: tell the handlers what this node dropped meanwhile. */
  private resumed(status: Status): void {
    this.connected = true;
    this.counts.reconnects++;
    this.maxPayload = this.nc.info?.max_payload ?? this.maxPayload;
    this.log.info(
      { server: status.data, dropped: this.droppedThisOutage, topics: this.droppedTopics.size },
      "NATS connection back",
    );
    if (this.droppedTopics.size >= MAX_DROPPED_TOPICS) {
      this.log.warn(
        { tracked: MAX_DROPPED_TOPICS },
        "more topics dropped than tracked; devices elsewhere see the rest on their next sync",
      );
    }
    const droppedTopics = [...this.droppedTopics];
    this.droppedTopics = new Set();
    for (const handler of [...this.resumeHandlers]) {
      try {
        handler(droppedTopics);
      } catch (err) {
        this.log.error({ err }, "bus onResume failed");
      }
    }
  }

  /** Follow the connection's state: drop publishes while it is down, report outages. */
  private async watch(): Promise<void> {
    for await (const status of this.statuses) {
      switch (status.type) {
        case Events.Disconnect:
          this.connected = false;
          this.droppedThisOutage = 0;
          this.droppedTopics = new Set();
          this.log.warn({ server: status.data }, "NATS connection lost; pushes are dropped until it is back");
          break;
        case Events.Reconnect:
          this.resumed(status);
          break;
        case Events.LDM:
          this.log.warn({ server: status.data }, "NATS server entering lame duck mode");
          break;
        case Events.Error:
          this.log.warn({ status: status.data }, "NATS error");
          break;
        case DebugEvents.StaleConnection:
          this.log.warn("NATS connection stale (pings unanswered); reconnecting");
          break;
        default:
          break;
      }
    }
  }
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** "nats://user:secret@host:4222" -> "nats://***@host:4222": errors end up in logs. */
function withoutCredentials(server: string): string {
  return server.replace(/^((?:[a-z]+:\/\/)?)[^@/]*@/i, "$1***@");
}
