/** Reconnect delays: exponential with full jitter, so a hub restart is not met by a thundering herd. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 15_000 };

/** Delay before attempt `attempt` (0-based), given a random number in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
}
