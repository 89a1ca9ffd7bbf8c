/**
 * A load process for the idle-connections workload: it registers its share
 * of devices, then logs each one in on its own WebSocket and holds them idle.
 * Forked by bench/workloads/connections.ts; commands arrive over IPC.
 */
import { newBenchDevice, loginDevice, registerDevice, type BenchDevice } from "./benchDevice.js";
import { forEachConcurrently, withDeadline } from "./deadline.js";
import { serveCommands } from "./loadProcesses.js";
import { describe, type WireDevice } from "./wireDevice.js";

export interface Tally {
  ok: number;
  errors: number;
  firstError?: string;
  ms: number;
}

export type IdleConnectionsCommands = {
  register: { input: { server: string; prefix: string; count: number; concurrency: number }; output: Tally };
  /** Log in the next `count` registered devices and hold them. */
  connect: { input: { server: string; count: number; concurrency: number }; output: Tally };
  /** An authenticated request on every held connection: are they all still alive and logged in? */
  verify: { input: Record<string, never>; output: Tally & { closedWhileIdle: number } };
  close: { input: Record<string, never>; output: null };
};

const ANSWER_MS = 30_000;
const PROGRESS_EVERY = 250;

let devices: BenchDevice[] = [];
let nextToConnect = 0;
const held: WireDevice[] = [];
let closedWhileIdle = 0;
let closing = false;

function tally(): Tally & { fail(err: unknown): void } {
  return {
    ok: 0,
    errors: 0,
    ms: 0,
    fail(err: unknown) {
      this.errors++;
      this.firstError ??= err instanceof Error ? err.message : String(err);
    },
  };
}

function done(t: ReturnType<typeof tally>, started: number): Tally {
  return {
    ok: t.ok,
    errors: t.errors,
    ms: performance.now() - started,
    ...(t.firstError !== undefined ? { firstError: t.firstError } : {}),
  };
}

serveCommands<IdleConnectionsCommands>({
  async register({ server, prefix, count, concurrency }, progress) {
    const started = performance.now();
    const t = tally();
    devices = Array.from({ length: count }, (_, i) => newBenchDevice(`${prefix}${i}@instagram`));
    await forEachConcurrently(count, concurrency, async (i) => {
      try {
        const wire = await withDeadline(registerDevice(server, devices[i]!), ANSWER_MS, "register");
        wire.close();
        t.ok++;
      } catch (err) {
        t.fail(err);
      }
      if ((t.ok + t.errors) % PROGRESS_EVERY === 0) progress(t.ok + t.errors);
    });
    return done(t, started);
  },

  async connect({ server, count, concurrency }, progress) {
    const started = performance.now();
    const t = tally();
    const batch = devices.slice(nextToConnect, nextToConnect + count);
    nextToConnect += batch.length;
    await forEachConcurrently(batch.length, concurrency, async (i) => {
      try {
        const wire = await withDeadline(loginDevice(server, batch[i]!), ANSWER_MS, "login");
        wire.onClose = () => {
          if (!closing) closedWhileIdle++;
        };
        held.push(wire);
        t.ok++;
      } catch (err) {
        t.fail(err);
      }
      if ((t.ok + t.errors) % PROGRESS_EVERY === 0) progress(t.ok + t.errors);
    });
    return done(t, started);
  },

  async verify() {
    const started = performance.now();
    const t = tally();
    await Promise.all(
      held.map(async (wire) => {
        try {
          const r = await withDeadline(
            wire.request({ case: "listConversations", value: {} }),
            ANSWER_MS,
            "listConversations",
          );
          if (r.result.case === "listConversations") t.ok++;
          else t.fail(describe(r));
        } catch (err) {
          t.fail(err);
        }
      }),
    );
    return { ...done(t, started), closedWhileIdle };
  },

  async close() {
    closing = true;
    for (const wire of held) wire.close();
    return null;
  },
});
