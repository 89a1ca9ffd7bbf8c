/**
 * The hub's Prometheus metrics (GET /metrics). One Registry per hub, never
 * prom-client's global one: tests start many hubs in one process, and two
 * hubs must not count into each other's series. Every limit at the edge has
 * a series here (DESIGN: every limit has a metric).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Latency buckets for Store and Bus calls, in seconds: 0.1 ms to 2.5 s. */
const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class HubMetrics {
  readonly registry = new Registry();
  readonly connectionsAccepted: Counter;
  readonly connectionsRefused: Counter;
  readonly connectionsClosed: Counter<"reason">;
  readonly framesIn: Counter<"type">;
  readonly bytesIn: Counter<"type">;
  readonly framesOut: Counter<"type">;
  readonly bytesOut: Counter<"type">;
  readonly pushesDropped: Counter;
  readonly errors: Counter<"code">;
  readonly storeSeconds: Histogram<"method" | "outcome">;
  readonly busSeconds: Histogram<"method" | "outcome">;
  readonly rateLimited: Counter<"limit">;
  /** Labelled children by frame type: a label lookup per frame is measurable on the hot path. */
  private readonly inByType = new Map<string, { frames: Counter.Internal; bytes: Counter.Internal }>();
  private readonly outByType = new Map<string, { frames: Counter.Internal; bytes: Counter.Internal }>();

  constructor(sources: { openConnections: () => number; queuedBytes: () => number }) {
    const registers = [this.registry];
    // The process's own (resident memory, event loop lag, heap), into this registry only.
    collectDefaultMetrics({ register: this.registry });
    this.connectionsAccepted = new Counter({
      name: "switchboard_connections_accepted_total",
      help: "WebSocket upgrades accepted.",
      registers,
    });
    this.connectionsRefused = new Counter({
      name: "switchboard_connections_refused_total",
      help: "WebSocket upgrades refused with HTTP 503 (connection caps).",
      registers,
    });
    this.connectionsClosed = new Counter({
      name: "switchboard_connections_closed_by_hub_total",
      help: "Connections the hub closed, by reason (too_slow, hello_deadline, frame_before_hello).",
      labelNames: ["reason"],
      registers,
    });
    new Gauge({
      name: "switchboard_connections_open",
      help: "Open WebSocket connections on this node.",
      registers,
      collect() {
        this.set(sources.openConnections());
      },
    });
    new Gauge({
      name: "switchboard_queued_bytes",
      help: "Bytes queued toward clients and not yet sent, over all connections.",
      registers,
      collect() {
        this.set(sources.queuedBytes());
      },
    });
    this.framesIn = new Counter({
      name: "switchboard_frames_in_total",
      help: "Frames received, by type (request op, hello, invalid).",
      labelNames: ["type"],
      registers,
    });
    this.bytesIn = new Counter({
      name: "switchboard_bytes_in_total",
      help: "Frame bytes received, by type.",
      labelNames: ["type"],
      registers,
    });
    this.framesOut = new Counter({
      name: "switchboard_frames_out_total",
      help: "Frames sent, by type (response op, error, push, hello).",
      labelNames: ["type"],
      registers,
    });
    this.bytesOut = new Counter({
      name: "switchboard_bytes_out_total",
      help: "Frame bytes sent, by type.",
      labelNames: ["type"],
      registers,
    });
    this.pushesDropped = new Counter({
      name: "switchboard_pushes_dropped_total",
      help: "Pushes dropped because the connection's send budget was full (the client syncs).",
      registers,
    });
    this.errors = new Counter({
      name: "switchboard_errors_total",
      help: "Error answers sent, by wire code.",
      labelNames: ["code"],
      registers,
    });
    this.storeSeconds = new Histogram({
      name: "switchboard_store_seconds",
      help: "Store call latency, by method and outcome.",
      labelNames: ["method", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.busSeconds = new Histogram({
      name: "switchboard_bus_seconds",
      help: "Bus call latency, by method and outcome.",
      labelNames: ["method", "outcome"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.rateLimited = new Counter({
      name: "switchboard_rate_limited_total",
      help: "Requests refused with RATE_LIMITED, by limit.",
      labelNames: ["limit"],
      registers,
    });
  }

  /** A frame received, by type. */
  frameIn(type: string, bytes: number): void {
    count(this.inByType, this.framesIn, this.bytesIn, type, bytes);
  }

  /** A frame sent, by type. */
  frameOut(type: string, bytes: number): void {
    count(this.outByType, this.framesOut, this.bytesOut, type, bytes);
  }
}

function count(
  cache: Map<string, { frames: Counter.Internal; bytes: Counter.Internal }>,
  frames: Counter<"type">,
  bytes: Counter<"type">,
  type: string,
  size: number,
): void {
  let children = cache.get(type);
  if (children === undefined) {
    children = { frames: frames.labels({ type }), bytes: bytes.labels({ type }) };
    cache.set(type, children);
  }
  children.frames.inc();
  children.bytes.inc(size);
}
