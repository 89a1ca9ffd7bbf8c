/**
 * Issue 14: "one account could fill the disk at 28 MiB/s: no quota, and the
 * log is never pruned". One device sends large messages to a group of its
 * own, eight in flight, for at most 10 s or 100 MiB.
 */
import { MlsActor } from "../probes/mlsActor.js";
import { Tally } from "../errorTally.js";
import { DISK_FILL_QUOTA_BYTES } from "../config.js";
import type { Attack } from "../types.js";
import { answerOf } from "./answerOf.js";

const MESSAGE_BYTES = 200 * 1024;
const MOST_BYTES = 100 * 1024 * 1024;
const IN_FLIGHT = 8;
const SECONDS = 10;

export const diskFill: Attack = {
  name: "disk fill",
  what: `one device sends 200 KiB messages to its own group, ${IN_FLIGHT} in flight, ${SECONDS} s or 100 MiB (quota set to ${DISK_FILL_QUOTA_BYTES / 2 ** 20} MiB for the run)`,
  async run(ctx) {
    const attacker = await MlsActor.register(ctx.server, ctx.address("instagram"), {
      localAddress: "127.0.0.2",
    });
    await attacker.createConversation("group");
    const tally = new Tally();
    const payload = new Uint8Array(MESSAGE_BYTES).fill(7);
    const stopAt = Math.min(ctx.deadline, Date.now() + SECONDS * 1000);
    const t0 = performance.now();
    let stored = 0;
    let refusedInARow = 0;
    // One encrypt at a time (the ratchet is sequential), up to IN_FLIGHT sends awaiting their acks.
    const inFlight = new Set<Promise<void>>();
    while (Date.now() < stopAt && stored < MOST_BYTES && refusedInARow < 50) {
      const sent = attacker.send(payload).then((response) => {
        const kind = answerOf(response, "sendMessage");
        tally.add(kind);
        if (kind === "ok") {
          stored += MESSAGE_BYTES;
          refusedInARow = 0;
        } else refusedInARow++;
      });
      const tracked = sent.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const mibPerSecond = stored / 1024 / 1024 / ((performance.now() - t0) / 1000);
    attacker.wire.close();
    return {
      answered: `${tally.describe()}; ${mibPerSecond.toFixed(1)} MiB/s stored`,
      // Held when a quota or a limit stopped it before 100 MiB.
      held: stored < MOST_BYTES && tally.count("QUOTA_EXCEEDED") + tally.count("RATE_LIMITED") > 0,
    };
  },
};
