/**
 * Issue 14: "lookups enumerated accounts at 10,050/s and returned display
 * name, device ids, keys and creation time".
 */
import { MlsActor } from "../probes/mlsActor.js";
import { registerDevice, newBenchDevice } from "../../lib/benchDevice.js";
import { Tally } from "../errorTally.js";
import type { Attack } from "../types.js";
import { answerOf } from "./answerOf.js";

const LOOKUPS = 2000;

export const lookupEnumeration: Attack = {
  name: "lookup enumeration",
  what: `one account looks up ${LOOKUPS} addresses as fast as it can`,
  async run(ctx) {
    const known = newBenchDevice(ctx.address("messenger"));
    (await registerDevice(ctx.server, known, { displayName: "Known Person" })).close();
    const attacker = await MlsActor.register(ctx.server, ctx.address("instagram"), {
      localAddress: "127.0.0.2",
    });
    const tally = new Tally();
    let revealed = "";
    const t0 = performance.now();
    for (let i = 0; i < LOOKUPS && Date.now() < ctx.deadline; i++) {
      const address = i % 10 === 0 ? known.address : `guess${i}@example.com@messenger`;
      const response = await attacker.wire.request({ case: "lookupAccount", value: { address } });
      const kind = answerOf(response, "lookupAccount");
      tally.add(kind === "NOT_FOUND" ? "ok" : kind);
      if (response.result.case === "lookupAccount" && revealed === "") {
        const account = response.result.value.account;
        const shown = Object.entries(account ?? {})
          .filter(([k, v]) => !k.startsWith("$") && v !== "" && !(Array.isArray(v) && v.length === 0))
          .map(([k]) => k);
        const device = account?.devices[0];
        const deviceShown = Object.entries(device ?? {})
          .filter(
            ([k, v]) =>
              !k.startsWith("$") && v !== "" && v !== 0n && !(v instanceof Uint8Array && v.length === 0),
          )
          .map(([k]) => k);
        revealed = `account {${shown.join(", ")}}, device {${deviceShown.join(", ")}}`;
      }
    }
    const perSecond = (tally.accepted / (performance.now() - t0)) * 1000;
    attacker.wire.close();
    return {
      answered: `${tally.describe()}; ${perSecond.toFixed(0)} lookups/s answered; a hit shows ${revealed}`,
      held: tally.accepted < 500 && !revealed.includes("displayName") && !revealed.includes("createdAt"),
    };
  },
};
