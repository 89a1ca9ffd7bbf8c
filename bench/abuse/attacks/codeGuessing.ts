/**
 * Issue 14: "codes could be guessed 2,157 times a second". Registers a phone
 * number on an app that needs a verification code, trying codes in turn.
 */
import { newBenchDevice } from "../../lib/benchDevice.js";
import { withDeadline } from "../../lib/deadline.js";
import { WireDevice, signLogin } from "../../lib/wireDevice.js";
import { Tally } from "../errorTally.js";
import type { Attack } from "../types.js";
import { answerOf } from "./answerOf.js";

const GUESSES = 1000;

export const codeGuessing: Attack = {
  name: "verification code guessing",
  what: `${GUESSES} guesses of the code for one phone number on an app that verifies`,
  async run(ctx) {
    const address = "+14155550123@verified";
    const device = newBenchDevice(address);
    const { device: wire, challenge } = await WireDevice.open(ctx.server, { localAddress: "127.0.0.7" });
    // Ask for a code to be sent, as the real owner would (the op exists once verification does).
    const asked = await withDeadline(
      wire.request({ case: "requestVerificationCode", value: { address } } as never),
      5000,
      "request code",
    ).catch(() => undefined);
    const tally = new Tally();
    const t0 = performance.now();
    for (let i = 0; i < GUESSES && Date.now() < ctx.deadline; i++) {
      const response = await wire.request({
        case: "register",
        value: {
          address,
          signatureKey: device.publicKey,
          signature: signLogin(device.privateKey, challenge),
          verificationCode: String(i).padStart(6, "0"),
        },
      });
      const kind = answerOf(response, "register");
      tally.add(kind === "VERIFICATION_REQUIRED" ? "checked" : kind);
      if (kind === "ok") break;
    }
    wire.terminate();
    const perSecond = (tally.count("checked") / (performance.now() - t0)) * 1000;
    return {
      answered: `${asked ? `code request: ${answerOf(asked, "requestVerificationCode")}; ` : ""}${tally.describe()}; ${perSecond.toFixed(0)} guesses/s checked`,
      held: tally.count("checked") <= 10 && tally.accepted === 0,
    };
  },
};
