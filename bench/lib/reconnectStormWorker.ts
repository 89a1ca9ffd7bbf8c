/**
 * A load process for the reconnect storm: it builds its share of direct
 * pairs (bench/lib/directPair.ts), then, at a wall-clock moment shared with
 * the other load processes, reconnects all its devices at once and syncs each
 * the way the SDK does on login (packages/client: fullSync): inbox, list
 * conversations, fetch after the cursor, acknowledge. Devices stay connected
 * afterwards, as they would. Forked by bench/workloads/reconnectStorm.ts.
 */
import { createTsMlsEngine } from "../../packages/client/src/mls/index.js";
import { loginDevice, type BenchDevice } from "./benchDevice.js";
import { catchUp } from "./catchUp.js";
import { forEachConcurrently, withDeadline } from "./deadline.js";
import { makeDirectPair } from "./directPair.js";
import { expectResult } from "./expectResult.js";
import { serveCommands } from "./loadProcesses.js";
import type { WireDevice } from "./wireDevice.js";

export interface StormOutcome {
  /** Per synced device: ms from the storm's start to its last acknowledgement. */
  syncedMs: number[];
  /** Per logged-in device: ms from the storm's start to its login answer (connect, hello, authenticate). */
  loggedInMs: number[];
  errors: number;
  firstError?: string;
  /** Devices that synced but fetched other than the expected number of entries. */
  wrongCount: number;
  /** How late this process began its last connection attempt, ms after the start. */
  lastStartMs: number;
}

export type ReconnectStormCommands = {
  setup: {
    input: { server: string; prefix: string; pairs: number; messages: number; concurrency: number };
    output: { pairs: number; errors: number; firstError?: string; ms: number };
  };
  storm: { input: { server: string; startAt: number; expectEntries: number }; output: StormOutcome };
  close: { input: Record<string, never>; output: null };
};

const SYNC_DEADLINE_MS = 120_000;

const devices: BenchDevice[] = [];
const held: WireDevice[] = [];

async function syncDevice(server: string, device: BenchDevice, loggedIn: () => void): Promise<number> {
  const wire = await loginDevice(server, device);
  held.push(wire);
  loggedIn();
  const inbox = await expectResult(
    wire,
    { case: "fetchInbox", value: { afterId: 0n, limit: 200 } },
    "fetchInbox",
  );
  const last = inbox.items.at(-1);
  if (last) await expectResult(wire, { case: "ackInbox", value: { upToId: last.id } }, "ackInbox");
  const listed = await expectResult(wire, { case: "listConversations", value: {} }, "listConversations");
  let entries = 0;
  for (const c of listed.conversations) {
    if (c.lastSeq > c.cursor) entries += (await catchUp(wire, c.id, Number(c.cursor))).entries;
  }
  return entries;
}

serveCommands<ReconnectStormCommands>({
  async setup({ server, prefix, pairs, messages, concurrency }, progress) {
    const started = performance.now();
    const engine = await createTsMlsEngine({ crypto: "node" });
    let made = 0;
    let errors = 0;
    let firstError: string | undefined;
    await forEachConcurrently(pairs, concurrency, async (i) => {
      try {
        const pair = await makeDirectPair(
          server,
          engine,
          [`${prefix}${i}a@instagram`, `${prefix}${i}b@instagram`],
          messages,
        );
        devices.push(...pair.devices);
        made++;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      if ((made + errors) % 100 === 0) progress(made + errors);
    });
    return { pairs: made, errors, ms: performance.now() - started, ...(firstError ? { firstError } : {}) };
  },

  async storm({ server, startAt, expectEntries }) {
    const start = startAt - performance.timeOrigin;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start - performance.now())));
    const outcome: StormOutcome = { syncedMs: [], loggedInMs: [], errors: 0, wrongCount: 0, lastStartMs: 0 };
    const loggedIn = () => outcome.loggedInMs.push(performance.now() - start);
    await Promise.all(
      devices.map(async (device) => {
        outcome.lastStartMs = performance.now() - start;
        try {
          const entries = await withDeadline(syncDevice(server, device, loggedIn), SYNC_DEADLINE_MS, "sync");
          outcome.syncedMs.push(performance.now() - start);
          if (entries !== expectEntries) outcome.wrongCount++;
        } catch (err) {
          outcome.errors++;
          outcome.firstError ??= err instanceof Error ? err.message : String(err);
        }
      }),
    );
    return outcome;
  },

  async close() {
    for (const wire of held) wire.close();
    return null;
  },
});
