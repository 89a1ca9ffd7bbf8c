/**
 * How much CPU the rest of the machine used while a workload measured: all
 * busy CPU time (/proc/stat) minus that of the processes the workload runs.
 * On a shared 2-core machine this says how far to trust a wall-clock figure.
 */
import { sampleProcess } from "./hubProcess.js";
import { machineTicks } from "./machineCpu.js";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux, as in sampleProcess.

function machineBusyMs(): number {
  return (machineTicks().busy * 1000) / TICKS_PER_SECOND;
}

function ownMs(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += sampleProcess(pid).cpuMs;
    } catch {
      // Exited: its time is lost from both sides of the difference.
    }
  }
  return sum;
}

/** Start watching; the returned function gives the other processes' CPU, in cores, since then. */
export function watchOtherLoad(pids: () => number[]): () => number {
  const started = performance.now();
  const machine0 = machineBusyMs();
  const own0 = ownMs([process.pid, ...pids()]);
  return () => {
    const elapsed = performance.now() - started;
    const other = machineBusyMs() - machine0 - (ownMs([process.pid, ...pids()]) - own0);
    return Math.max(0, other / elapsed);
  };
}
