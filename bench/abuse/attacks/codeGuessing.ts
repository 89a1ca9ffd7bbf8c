/**
 * Issue 14: "codes could be guessed 2,157 times a second". Registers a phone
 * number on an app that needs a verification code, trying codes in turn.
 */
import { newBenchDevice } from "../../lib/benchDevice.js";
import { sleep, withDeadline } from "../../lib/deadline.js";
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
    // Ask for a code to be sent, as the real owner would; then guess it.
    const asked = await withDeadline(
      wire.request({ case: "requestVerificationCode", value: { address } }),
      5000,
      "request code",
    ).catch(() => undefined);
    // The real owner's code, from the hub's log (the `log` verifier): after the guesses it must no longer work.
    await sleep(200);
    const code = ctx.hubLog().match(/verification code for \S+@verified: (\d+)/)?.[1];
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
    const owner = code
      ? answerOf(
          await wire.request({
            case: "register",
            value: {
              address,
              signatureKey: device.publicKey,
              signature: signLogin(device.privateKey, challenge),
              verificationCode: code,
            },
          }),
          "register",
        )
      : "no code in the log";
    wire.terminate();
    const perSecond = (tally.count("checked") / (performance.now() - t0)) * 1000;
    return {
      answered: `${asked ? `code request: ${answerOf(asked, "requestVerificationCode")}; ` : ""}${tally.describe()}; ${perSecond.toFixed(0)} guesses/s answered; the real code afterwards: ${owner}`,
      // Held when no guess got in and the guessing burned the real code (few attempts per code).
      held: tally.accepted === 0 && owner !== "ok",
    };
  },
};
