/**
 * The configuration every message-throughput hub runs with: defaults, but
 * for the per-account send limit (SPEC EG4, `sendPerAccount`: a burst of
 * 1,000, then 6,000 a minute: 100 a second). The workloads' 32 senders each
 * send hundreds of messages a second at saturation, so with the default the
 * hub refused most of them with RATE_LIMITED once it passed about 8,500
 * msg/s in all (first seen 2026-12-07: 13,638 refusals in one saturation
 * phase, and throwing them was 6.6% of its main thread). The benchmark
 * measures the durable path, not the abuse limit, so it lifts that limit,
 * and the per-IP registration limit (`registerPerIp`: a burst of 200): the
 * fixtures register every device from 127.0.0.1, and the fan-out workload's
 * 160 devices for groups of 10 and then 200 for groups of 100 on one hub
 * were refused with RATE_LIMITED from the 201st (2026-12-07).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Write the config file into `dir` and return the `serve` flags that load it. */
export function benchHubConfigArgs(dir: string): string[] {
  const file = join(dir, "bench-hub-config.json");
  const unlimited = { burst: 1_000_000_000, perMinute: 1_000_000_000_000 };
  writeFileSync(
    file,
    JSON.stringify(
      { rateLimits: { limits: { sendPerAccount: unlimited, registerPerIp: unlimited } } },
      null,
      2,
    ),
  );
  return ["--config", file];
}
