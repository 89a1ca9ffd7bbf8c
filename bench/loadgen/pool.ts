/**
 * The load generator's coordinator: forks worker processes, deals them the
 * conversations (all members of one conversation to one worker), starts
 * every phase at the same wall-clock moment in all of them, and merges their
 * reports. It also measures the system under test over exactly the measured
 * window (CPU, peak RSS) and the workers themselves, to show when the load
 * generator rather than the system is the limit.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { measureProcess, measureProcesses } from "../lib/hubProcess.js";
import { busyCores, machineTicks } from "../lib/machineCpu.js";
import { sortedSamples } from "../lib/stats.js";
import { monotonicMicros } from "../profile/cpuProfile.js";
import type {
  ConversationPlan,
  FromWorker,
  LoadShape,
  PhaseReport,
  PhaseTiming,
  SystemKind,
  ToWorker,
} from "./messages.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
/** Time for every worker to receive the phase message before it starts. */
const START_DELAY_MS = 300;

export interface PhaseResult {
  measureSeconds: number;
  sent: number;
  accepted: number;
  deliveries: number;
  /** Sorted ascending, ms. */
  latencies: Float64Array;
  refused: number;
  refusals: string[];
  skipped: number;
  lost: number;
  /** The system under test over the measured window. */
  serverCpuCores: number;
  serverPeakRssBytes: number;
  /** Each worker process over the measured window. */
  workerCpuCores: number[];
  /** The measured window on the monotonic clock (µs), to cut a CPU profile to it. */
  monotonicWindow: { from: number; to: number };
  /** The whole machine over the measured window: more than server + workers is someone else. */
  machineCpuCores: number;
}

class Worker {
  private waiting: ((m: FromWorker) => void) | undefined;

  constructor(readonly child: ChildProcess) {
    child.on("message", (m: FromWorker) => this.answer(m));
    // A worker that dies mid-phase must fail the run, not hang it.
    child.once("exit", (code) => this.answer({ type: "error", message: `worker exited with ${code}` }));
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private answer(m: FromWorker): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(m);
  }

  ask(message: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiting = (m) =>
        m.type === "error" ? reject(new Error(`load generator: ${m.message}`)) : resolve(m);
      this.child.send(message);
    });
  }
}

export class LoadGenerator {
  private constructor(
    private readonly workers: Worker[],
    /** The system under test (one process per node), measured during each phase. */
    private readonly serverPids: number[],
    /** Each worker's part of the conversations, by which an open-loop rate is shared out. */
    private readonly shares: number[],
  ) {}

  /** Fork `workers` processes and connect every member of every conversation. */
  static async start(options: {
    system: SystemKind;
    /** One URL per node: each conversation's sender is on one, its receivers on the next. */
    urls: string[];
    serverPids: number[];
    conversations: ConversationPlan[];
    workers: number;
  }): Promise<LoadGenerator> {
    const count = Math.max(1, Math.min(options.workers, options.conversations.length));
    const workers = Array.from(
      { length: count },
      () =>
        new Worker(
          fork(WORKER, [], { execArgv: ["--import", "tsx"], serialization: "advanced", stdio: "inherit" }),
        ),
    );
    const dealt = workers.map((_, i) => options.conversations.filter((_, c) => c % count === i));
    try {
      await Promise.all(
        workers.map((w, i) =>
          w.ask({
            type: "setup",
            setup: { system: options.system, urls: options.urls, worker: i, conversations: dealt[i]! },
          }),
        ),
      );
    } catch (err) {
      // Leave no worker behind holding sockets to the system under test.
      for (const w of workers) w.child.kill();
      throw err;
    }
    const held = dealt.map((d) => d.length);
    return new LoadGenerator(
      workers,
      options.serverPids,
      held.map((n) => n / options.conversations.length),
    );
  }

  /** One phase in every worker at once. */
  async run(shape: LoadShape, timing: PhaseTiming): Promise<PhaseResult> {
    const startAt = performance.timeOrigin + performance.now() + START_DELAY_MS;
    const from = startAt + timing.warmupMs;
    const to = from + timing.measureMs;
    const wall = () => performance.timeOrigin + performance.now();
    const reports = Promise.all(
      this.workers.map(async (w, i) => {
        const s: LoadShape =
          shape.kind === "open"
            ? { kind: "open", messagesPerSecond: shape.messagesPerSecond * this.shares[i]! }
            : shape;
        const answer = await w.ask({ type: "phase", phase: { ...timing, shape: s, startAt } });
        if (answer.type !== "report") throw new Error(`load generator answered ${answer.type}`);
        return answer.report;
      }),
    );
    await sleep(from - wall());
    const monotonicFrom = monotonicMicros();
    const ticksFrom = machineTicks();
    const sleepToEnd = () => sleep(to - wall());
    const [server, ...workers] = await Promise.all([
      measureProcesses(this.serverPids, sleepToEnd),
      ...this.workers.map((w) => measureProcess(w.child.pid!, sleepToEnd)),
    ]);
    const monotonicWindow = { from: monotonicFrom, to: monotonicMicros() };
    const machineCpuCores = busyCores(ticksFrom, machineTicks());
    return {
      machineCpuCores,
      ...merge(
        await reports,
        timing.measureMs / 1000,
        server,
        workers.map((w) => w.cpuCores),
      ),
      monotonicWindow,
    };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exited) return resolve();
            w.child.once("exit", () => resolve());
            w.child.send({ type: "stop" } satisfies ToWorker);
          }),
      ),
    );
  }
}

function merge(
  reports: PhaseReport[],
  measureSeconds: number,
  server: { cpuCores: number; peakRssBytes: number },
  workerCpuCores: number[],
): Omit<PhaseResult, "monotonicWindow" | "machineCpuCores"> {
  const sum = (f: (r: PhaseReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    measureSeconds,
    sent: sum((r) => r.sent),
    accepted: sum((r) => r.accepted),
    deliveries: sum((r) => r.deliveries),
    latencies: sortedSamples(reports.map((r) => r.latencies)),
    refused: sum((r) => r.refused),
    refusals: reports.flatMap((r) => r.refusals),
    skipped: sum((r) => r.skipped),
    lost: sum((r) => r.lost),
    serverCpuCores: server.cpuCores,
    serverPeakRssBytes: server.peakRssBytes,
    workerCpuCores,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
