/**
 * The hub's Prometheus metrics (GET /metrics). One Registry per hub, never
 * prom-client's global one: tests start many hubs in one process, and two
 * hubs must not count into each other's series. Every limit at the edge has
 * a series here (DESIGN: every limit has a metric).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { LatencyHistogram } from "./latencyHistogram.js";

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
  readonly storeSeconds: LatencyHistogram;
  readonly busSeconds: LatencyHistogram;
  readonly rateLimited: Counter<"limit">;
  /**
   * Frames and bytes by type, counted in plain numbers and handed to the
   * counters when they are read (collect): even a cached labelled child
   * hashes its labels on every inc(), two per frame, which was measurable on
   * the hot path (bench/README.md, "CPU per message").
   */
  private readonly inByType = new Map<string, Tally>();
  private readonly outByType = new Map<string, Tally>();

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
    const inByType = this.inByType;
    const outByType = this.outByType;
    this.framesIn = new Counter({
      name: "switchboard_frames_in_total",
      help: "Frames received, by type (request op, hello, invalid).",
      labelNames: ["type"],
      registers,
      collect() {
        report(inByType, this, "frames");
      },
    });
    this.bytesIn = new Counter({
      name: "switchboard_bytes_in_total",
      help: "Frame bytes received, by type.",
      labelNames: ["type"],
      registers,
      collect() {
        report(inByType, this, "bytes");
      },
    });
    this.framesOut = new Counter({
      name: "switchboard_frames_out_total",
      help: "Frames sent, by type (response op, error, push, hello).",
      labelNames: ["type"],
      registers,
      collect() {
        report(outByType, this, "frames");
      },
    });
    this.bytesOut = new Counter({
      name: "switchboard_bytes_out_total",
      help: "Frame bytes sent, by type.",
      labelNames: ["type"],
      registers,
      collect() {
        report(outByType, this, "bytes");
      },
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
    this.storeSeconds = new LatencyHistogram(
      "switchboard_store_seconds",
      "Store call latency, by method and outcome.",
      LATENCY_BUCKETS,
      this.registry,
    );
    this.busSeconds = new LatencyHistogram(
      "switchboard_bus_seconds",
      "Bus call latency, by method and outcome.",
      LATENCY_BUCKETS,
      this.registry,
    );
    this.rateLimited = new Counter({
      name: "switchboard_rate_limited_total",
      help: "Requests refused with RATE_LIMITED, by limit.",
      labelNames: ["limit"],
      registers,
    });
  }

  /** A frame received, by type. */
  frameIn(type: string, bytes: number): void {
    count(this.inByType, type, bytes);
  }

  /** A frame sent, by type. */
  frameOut(type: string, bytes: number): void {
    count(this.outByType, type, bytes);
  }
}

interface Tally {
  frames: number;
  bytes: number;
  /** What the counters have been given so far. */
  reported: { frames: number; bytes: number };
}

function count(cache: Map<string, Tally>, type: string, size: number): void {
  let tally = cache.get(type);
  if (tally === undefined) {
    tally = { frames: 0, bytes: 0, reported: { frames: 0, bytes: 0 } };
    cache.set(type, tally);
  }
  tally.frames++;
  tally.bytes += size;
}

/** Hand a counter what was counted since it was last read. */
function report(cache: Map<string, Tally>, counter: Counter<"type">, field: "frames" | "bytes"): void {
  for (const [type, tally] of cache) {
    const delta = tally[field] - tally.reported[field];
    if (delta <= 0) continue;
    counter.inc({ type }, delta);
    tally.reported[field] = tally[field];
  }
}
