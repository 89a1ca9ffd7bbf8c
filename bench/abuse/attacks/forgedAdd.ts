/**
 * Issue 14: "any member of a group could commit an Add of a stranger's
 * 'device' with a KeyPackage it made itself, whose credential names the
 * stranger but whose key is the attacker's". The victim must not appear in
 * the attacker's groups.
 */
import { engineIdentity, newBenchDevice, registerDevice } from "../../lib/benchDevice.js";
import { expectResult } from "../../lib/expectResult.js";
import { MlsActor, mlsEngine } from "../probes/mlsActor.js";
import { Tally } from "../errorTally.js";
import type { Attack } from "../types.js";

const GROUPS = 20;

export const forgedAdd: Attack = {
  name: "forged add",
  what: `a member adds a stranger's device id with its own key, in ${GROUPS} groups`,
  async run(ctx) {
    const victim = newBenchDevice(ctx.address("whatsapp"));
    const victimWire = await registerDevice(ctx.server, victim, { localAddress: "127.0.0.1" });
    const attacker = await MlsActor.register(ctx.server, ctx.address("instagram"), {
      localAddress: "127.0.0.2",
    });
    const e = await mlsEngine();
    // A key the attacker holds (not its own leaf's: MLS refuses a duplicate key), under the victim's name.
    const forged = await e.generateKeyPackage({
      ...engineIdentity(newBenchDevice(attacker.device.address)),
      address: victim.address,
      deviceId: victim.deviceId,
    });
    const tally = new Tally();
    for (let g = 0; g < GROUPS && Date.now() < ctx.deadline; g++) {
      await attacker.createConversation("group");
      const { response } = await attacker.commitAdd(forged.publicMessage);
      tally.add(
        response.result.case === "commit"
          ? "ok"
          : response.result.case === "error"
            ? response.result.value.code
            : "closed",
      );
    }
    const listed = await expectResult(
      victimWire,
      { case: "listConversations", value: {} },
      "listConversations",
    );
    victimWire.close();
    attacker.wire.close();
    const forcedInto = listed.conversations.length;
    return {
      answered: `${tally.describe()}; the victim was put in ${forcedInto} groups`,
      held: tally.accepted === 0 && forcedInto === 0,
    };
  },
};
