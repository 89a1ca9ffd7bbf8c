/**
 * Tests that need a real external service (PostgreSQL, NATS) run only when
 * it answers. Outside CI an unreachable service skips those tests with a
 * loud warning; with CI=true it fails, so CI never passes by skipping.
 */
export async function serviceAvailable(
  name: string,
  probe: () => Promise<void>,
  /** How to start it, e.g. "pg_ctlcluster 16 main start"; shown in the warning. */
  howToStart?: string,
): Promise<boolean> {
  try {
    await withTimeout(probe(), PROBE_TIMEOUT_MS);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isCi()) {
      throw new Error(`${name} is required in CI but unreachable: ${reason}`, { cause: error });
    }
    console.warn(
      `\n*** SKIPPING the tests that need ${name}: it is unreachable (${reason}).\n` +
        `*** ${howToStart === undefined ? "Start it" : `Start it (${howToStart})`} to run them; ` +
        `with CI=true these tests fail instead of skipping.\n`,
    );
    return false;
  }
}

/** A probe that hangs (a firewall dropping packets) counts as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

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

function isCi(): boolean {
  const ci = process.env["CI"];
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
