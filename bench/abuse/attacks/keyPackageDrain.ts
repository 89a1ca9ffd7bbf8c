/**
 * Issue 14: "key packages could be drained at 5,298 claims/s: the last-resort
 * package was handed out 95,949 times". One attacker claims a victim's key
 * packages over and over.
 */
import { equalBytes } from "@switchboard/protocol";
import { engineIdentity, newBenchDevice, registerDevice } from "../../lib/benchDevice.js";
import { expectResult } from "../../lib/expectResult.js";
import { MlsActor, mlsEngine } from "../probes/mlsActor.js";
import { Tally } from "../errorTally.js";
import type { Attack } from "../types.js";
import { answerOf } from "./answerOf.js";

const ONE_TIME = 20;
const CLAIMS = 1000;

export const keyPackageDrain: Attack = {
  name: "key package drain",
  what: `one account claims a victim's key packages ${CLAIMS} times (victim holds ${ONE_TIME} + a last resort)`,
  async run(ctx) {
    const victim = newBenchDevice(ctx.address("messenger"));
    const victimWire = await registerDevice(ctx.server, victim);
    const e = await mlsEngine();
    const oneTime = await Promise.all(
      Array.from({ length: ONE_TIME }, () => e.generateKeyPackage(engineIdentity(victim))),
    );
    const lastResort = (await e.generateKeyPackage(engineIdentity(victim), { lastResort: true }))
      .publicMessage;
    await expectResult(
      victimWire,
      { case: "uploadKeyPackages", value: { keyPackages: oneTime.map((k) => k.publicMessage), lastResort } },
      "uploadKeyPackages",
    );
    const attacker = await MlsActor.register(ctx.server, ctx.address("instagram"), {
      localAddress: "127.0.0.2",
    });
    const tally = new Tally();
    let lastResortServed = 0;
    for (let i = 0; i < CLAIMS && Date.now() < ctx.deadline; i++) {
      const response = await attacker.wire.request({
        case: "claimKeyPackages",
        value: { address: victim.address, deviceIds: [] },
      });
      tally.add(answerOf(response, "claimKeyPackages"));
      if (response.result.case === "claimKeyPackages") {
        for (const kp of response.result.value.keyPackages)
          if (equalBytes(kp.keyPackage, lastResort)) lastResortServed++;
      }
    }
    victimWire.close();
    attacker.wire.close();
    return {
      answered: `${tally.describe()}; last resort served ${lastResortServed} times`,
      // Held when the per-target claim budget (a burst of 30, then 30 a minute) bounds both.
      held: tally.accepted <= 60 && lastResortServed <= 40,
    };
  },
};
