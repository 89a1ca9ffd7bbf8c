/**
 * The normal client: two people in a direct chat who keep talking while an
 * attack runs, from 127.0.0.1 (attackers come from other loopback addresses).
 * Every 250 ms one of them sends a real MLS message and waits for the other
 * to be pushed it. The goal is that it never stops: every message sent is
 * acknowledged and delivered within 5 s.
 */
import { engineIdentity, newBenchDevice, registerDevice } from "../../lib/benchDevice.js";
import { expectResult } from "../../lib/expectResult.js";
import { MlsActor, mlsEngine } from "./mlsActor.js";

export interface CanaryFigures {
  sent: number;
  delivered: number;
  /** Sends refused or unanswered, and deliveries missing after 5 s. */
  failures: number;
  maxRoundTripMs: number;
  lastFailure: string;
}

const PERIOD_MS = 250;
const DELIVERY_TIMEOUT_MS = 5000;

export async function startCanary(server: string, run: number): Promise<{ stop(): Promise<CanaryFigures> }> {
  const alice = await MlsActor.register(server, `canary${run}a@instagram`);
  const bobDevice = newBenchDevice(`canary${run}b@example.com@messenger`);
  const bobWire = await registerDevice(server, bobDevice);
  await alice.createConversation("direct", bobDevice.address);
  const e = await mlsEngine();
  const bobPackage = await e.generateKeyPackage(engineIdentity(bobDevice));
  const { response } = await alice.commitAdd(bobPackage.publicMessage);
  if (response.result.case !== "commit") throw new Error("canary: could not add Bob");
  const inbox = await expectResult(
    bobWire,
    { case: "fetchInbox", value: { afterId: 0n, limit: 10 } },
    "fetchInbox",
  );
  const welcome = inbox.items.find((i) => i.conversationId === alice.conversationId);
  if (!welcome) throw new Error("canary: Bob got no Welcome");
  const joined = await e.joinFromWelcome(engineIdentity(bobDevice), welcome.payload, async () => bobPackage);
  const bob = MlsActor.adopt(bobDevice, bobWire, alice.conversationId, joined.state);

  const figures: CanaryFigures = { sent: 0, delivered: 0, failures: 0, maxRoundTripMs: 0, lastFailure: "" };
  const waiting = new Map<MlsActor, () => void>();
  for (const [me, other] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    me.wire.onPush = (push) => {
      if (push.body.case === "entry" && push.body.value.conversationId === me.conversationId) {
        waiting.get(other)?.();
      }
    };
  }
  const fail = (why: string) => {
    figures.failures++;
    figures.lastFailure = why;
  };
  let running = true;
  const loop = (async () => {
    for (let turn = 0; running; turn++) {
      const [from] = turn % 2 === 0 ? [alice] : [bob];
      const t0 = performance.now();
      const delivered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), DELIVERY_TIMEOUT_MS);
        waiting.set(from, () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      figures.sent++;
      try {
        const answer = await Promise.race([
          from.send(new TextEncoder().encode(`hello ${turn}`)),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), DELIVERY_TIMEOUT_MS)),
        ]);
        if (!answer) fail("send unanswered");
        else if (answer.result.case !== "sendMessage")
          fail(`send: ${answer.result.case === "error" ? answer.result.value.code : "closed"}`);
      } catch (err) {
        fail(`send threw: ${String(err)}`);
      }
      if (await delivered) {
        figures.delivered++;
        figures.maxRoundTripMs = Math.max(figures.maxRoundTripMs, performance.now() - t0);
      } else fail("not delivered within 5 s");
      waiting.delete(from);
      await new Promise((r) => setTimeout(r, PERIOD_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      alice.wire.close();
      bob.wire.close();
      return figures;
    },
  };
}
