/**
 * Issue 14: "registrations could squat names at 275/s" and "display names
 * took bidi overrides and control characters".
 */
import { newBenchDevice } from "../../lib/benchDevice.js";
import { withDeadline } from "../../lib/deadline.js";
import { WireDevice, signLogin } from "../../lib/wireDevice.js";
import { Tally } from "../errorTally.js";
import type { Attack } from "../types.js";
import { answerOf } from "./answerOf.js";

const SQUATS = 500;

/** One registration on a fresh connection from `from`; the kind of answer. */
async function registerOnce(
  server: string,
  address: string,
  displayName: string,
  from: string,
): Promise<string> {
  const device = newBenchDevice(address);
  let opened: Awaited<ReturnType<typeof WireDevice.open>>;
  try {
    opened = await WireDevice.open(server, { localAddress: from });
  } catch {
    return "connection refused";
  }
  const { device: wire, challenge } = opened;
  try {
    const response = await withDeadline(
      wire.request({
        case: "register",
        value: {
          address,
          displayName,
          signatureKey: device.publicKey,
          signature: signLogin(device.privateKey, challenge),
        },
      }),
      5000,
      "register",
    );
    return answerOf(response, "register");
  } catch {
    return "no answer";
  } finally {
    wire.terminate();
  }
}

export const nameSquatting: Attack = {
  name: "name squatting",
  what: `one IP registers ${SQUATS} accounts as fast as it can`,
  async run(ctx) {
    const tally = new Tally();
    const t0 = performance.now();
    for (let i = 0; i < SQUATS && Date.now() < ctx.deadline; i++) {
      tally.add(await registerOnce(ctx.server, ctx.address("instagram"), "", "127.0.0.4"));
    }
    const perSecond = (tally.accepted / (performance.now() - t0)) * 1000;
    return {
      answered: `${tally.describe()}; ${perSecond.toFixed(0)} accounts/s accepted`,
      // Held when the per-IP budget (a burst, then about one a second) stopped it well short of 500.
      held: tally.accepted <= 250,
    };
  },
};

const BAD_NAMES: [string, string][] = [
  ["bidi override", "admin\u202Egnp.exe"],
  ["bidi isolate", "\u2067evil\u2069"],
  ["control character", "bell\u0007"],
  ["zero-width joiner run", "a\u200D".repeat(20)],
  ["10,000 characters", "x".repeat(10_000)],
];

export const badDisplayNames: Attack = {
  name: "bad display names",
  what: "register with bidi overrides, control characters and a 10,000-character name",
  async run(ctx) {
    const refused: string[] = [];
    const accepted: string[] = [];
    for (const [label, name] of BAD_NAMES) {
      const kind = await registerOnce(ctx.server, ctx.address("messenger"), name, "127.0.0.5");
      (kind === "ok" ? accepted : refused).push(`${label}: ${kind}`);
    }
    return {
      answered:
        accepted.length === 0 ? `all refused (${refused.join("; ")})` : `accepted ${accepted.join(", ")}`,
      // A zero-width joiner run is odd but not dangerous; the other four must be refused.
      held: accepted.every((a) => a.startsWith("zero-width")),
    };
  },
};
