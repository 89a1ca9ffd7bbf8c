/**
 * Liveness seen from outside during an attack: GET /healthz every 50 ms, one
 * at a time, each with a 2 s timeout. The goal is that it stays under 100 ms.
 *
 * The probe runs on a worker thread of its own: the attacker and the canary
 * share this process's event loop (MLS encryption of 200 KiB messages, 400
 * pipelined frames per socket), and a probe on that loop measured their
 * pauses as the hub's.
 */
import { Worker } from "node:worker_threads";

export interface HealthFigures {
  samples: number;
  failures: number;
  maxMs: number;
  p99Ms: number;
}

/** Plain JavaScript, so the worker needs no TypeScript loader. */
const PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
const times = [];
let failures = 0;
let running = true;
parentPort.on("message", () => { running = false; });
(async () => {
  // One untimed request first: the worker's first fetch loads and compiles
  // undici (50-80 ms here), which is the probe's own start, not the hub's.
  try {
    await (await fetch(workerData.url, { signal: AbortSignal.timeout(2000) })).arrayBuffer();
  } catch {}
  parentPort.postMessage("warm");
  while (running) {
    const t0 = performance.now();
    try {
      const res = await fetch(workerData.url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (!res.ok) failures++;
    } catch {
      failures++;
    }
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, workerData.intervalMs));
  }
  parentPort.postMessage({ times, failures });
})();
`;

/** Starts the probe, and resolves once its worker has made one untimed request (so the attack starts after). */
export async function startHealthProbe(
  server: string,
  intervalMs = 50,
): Promise<{ stop(): Promise<HealthFigures> }> {
  const worker = new Worker(PROBE, { eval: true, workerData: { url: `${server}/healthz`, intervalMs } });
  let warm!: () => void;
  const warmed = new Promise<void>((resolve) => (warm = resolve));
  const result = new Promise<{ times: number[]; failures: number }>((resolve, reject) => {
    worker.on("message", (message: "warm" | { times: number[]; failures: number }) => {
      if (message === "warm") warm();
      else resolve(message);
    });
    worker.once("error", reject);
  });
  await Promise.race([warmed, result]);
  return {
    async stop() {
      worker.postMessage("stop");
      const { times, failures } = await result;
      await worker.terminate();
      const sorted = [...times].sort((a, b) => a - b);
      return {
        samples: times.length,
        failures,
        maxMs: sorted.at(-1) ?? 0,
        p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
      };
    },
  };
}
