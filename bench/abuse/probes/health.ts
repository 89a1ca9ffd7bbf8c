/**
 * Liveness seen from outside during an attack: GET /healthz every 50 ms, one
 * at a time, each with a 2 s timeout. The goal is that it stays under 100 ms.
 */
export interface HealthFigures {
  samples: number;
  failures: number;
  maxMs: number;
  p99Ms: number;
}

export function startHealthProbe(server: string, intervalMs = 50): { stop(): Promise<HealthFigures> } {
  const times: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${server}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (!res.ok) failures++;
      } catch {
        failures++;
      }
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
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
