/**
 * One attack of `npm run abuse`: what an attacker with one account and a
 * script does to a real hub process, and what the hub answered. Every attack
 * is bounded in count and in time and stops by itself; it talks only to the
 * hub under test, on loopback.
 */
export interface AbuseContext {
  /** The hub under test, "http://127.0.0.1:port". */
  server: string;
  /** A fresh address on the given app, unique in this run ("abuse-17@instagram"). */
  address(app: "instagram" | "messenger" | "whatsapp"): string;
  /** The hub's process id (for its CPU and memory) and its data directory (for its files). */
  hubPid: number;
  dataDir: string;
  /** The end of the hub's log (the `log` verifier writes codes there). */
  hubLog(): string;
  /** Stop early: the run's time budget for this attack is spent. */
  readonly deadline: number;
}

export interface AttackOutcome {
  /** One line: what the hub answered, with counts ("RATE_LIMITED after 20 of 500"). */
  answered: string;
  /** Did the hub hold, as the goal for this attack says? */
  held: boolean;
}

export interface Attack {
  name: string;
  /** What the attacker does, for the table. */
  what: string;
  /** Peak hub RSS during the attack may be at most this many times its idle RSS. */
  rssGoal?: number;
  run(ctx: AbuseContext): Promise<AttackOutcome>;
}
