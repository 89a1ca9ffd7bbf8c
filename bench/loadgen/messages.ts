/**
 * What the load generator's coordinator (pool.ts) and its worker processes
 * (worker.ts) say to each other over the fork IPC channel ("advanced"
 * serialization, so byte arrays travel as they are).
 */
import type { DeviceKeys } from "../lib/wireDevice.js";

/** The system under test: the hub, or the raw `ws` forwarder (bench/baseline/forwarder.ts). */
export type SystemKind = "hub" | "baseline";

/** One conversation as a worker drives it: members[0] sends, the rest receive. */
export interface ConversationPlan {
  id: string;
  epoch: number;
  members: DeviceKeys[];
  /** Pre-encrypted MLS PrivateMessages, sent in rotation. */
  payloads: Uint8Array[];
}

export interface WorkerSetup {
  system: SystemKind;
  /**
   * One per node of the system. Conversation i of worker w has its sender on
   * node (i + w) mod n and its receivers on the next node, so with two nodes
   * every delivery crosses from one node to the other (through the Bus).
   */
  urls: string[];
  /** Worker number, to keep client message ids unique across workers. */
  worker: number;
  conversations: ConversationPlan[];
}

/** Closed loop: each sender keeps `window` messages in flight. Open loop: a fixed rate, whatever happens. */
export type LoadShape = { kind: "closed"; window: number } | { kind: "open"; messagesPerSecond: number };

export interface PhaseTiming {
  /** Sending runs this long before measuring starts (connections and JIT settle). */
  warmupMs: number;
  measureMs: number;
  /** After sending stops, how long to wait for the measured messages still in flight. */
  drainMs: number;
}

export interface PhaseSpec extends PhaseTiming {
  shape: LoadShape;
  /** Wall-clock ms (performance.timeOrigin + performance.now()) at which sending starts. */
  startAt: number;
}

export interface PhaseReport {
  /** Messages handed to the system during the measured window. */
  sent: number;
  /** Acknowledgements received during the window (the baseline acknowledges nothing: = sent). */
  accepted: number;
  /** Messages received by receivers during the window, one per receiving device. */
  deliveries: number;
  /** End-to-end latency (ms) of each delivery of a message sent during the window. */
  latencies: Float64Array;
  refused: number;
  /** The first few refusal reasons, for the notes. */
  refusals: string[];
  /** Open loop: sends skipped because a sender already had its cap of requests in flight. */
  skipped: number;
  /** Deliveries of measured messages that had not arrived when the drain ended. */
  lost: number;
}

export type ToWorker =
  | { type: "setup"; setup: WorkerSetup }
  | { type: "phase"; phase: PhaseSpec }
  | { type: "stop" };

export type FromWorker =
  | { type: "ready" }
  | { type: "report"; report: PhaseReport }
  | { type: "error"; message: string };
