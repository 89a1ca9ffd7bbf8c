/**
 * Issue 14: "a client that sends fetch requests and never reads the answers
 * grew the hub from 165 MB to 12.2 GB RSS". Ten connections of one device
 * pipeline fetches of a log of large messages and never read.
 */
import { loginDevice } from "../../lib/benchDevice.js";
import { sleep } from "../../lib/deadline.js";
import type { WireDevice } from "../../lib/wireDevice.js";
import { MlsActor } from "../probes/mlsActor.js";
import type { Attack } from "../types.js";

const CONNECTIONS = 10;
const MESSAGES = 24;
const MESSAGE_BYTES = 200 * 1024;
const FETCHES_PER_CONNECTION = 400;

export const slowConsumers: Attack = {
  name: "slow consumers",
  what: `${CONNECTIONS} sockets pipeline ${FETCHES_PER_CONNECTION} fetches of ${MESSAGES} x 200 KiB and never read`,
  rssGoal: 2,
  async run(ctx) {
    const attacker = await MlsActor.register(ctx.server, ctx.address("instagram"), {
      localAddress: "127.0.0.2",
    });
    await attacker.createConversation("group");
    for (let i = 0; i < MESSAGES; i++) await attacker.send(new Uint8Array(MESSAGE_BYTES).fill(i));
    const sockets: WireDevice[] = [];
    let refused = 0;
    for (let i = 0; i < CONNECTIONS; i++) {
      try {
        sockets.push(await loginDevice(ctx.server, attacker.device, { localAddress: "127.0.0.2" }));
      } catch {
        refused++;
      }
    }
    let closedByHub = 0;
    for (const socket of sockets) {
      socket.onClose = () => closedByHub++;
      socket.stopReading();
      for (let f = 0; f < FETCHES_PER_CONNECTION; f++) {
        socket.send(
          { case: "fetch", value: { conversationId: attacker.conversationId, afterSeq: 0n, limit: 1000 } },
          () => {},
        );
      }
    }
    // Let the hub answer (or refuse to) for a while; the runner samples its RSS meanwhile.
    while (Date.now() < Math.min(ctx.deadline, Date.now() + 15_000)) await sleep(250);
    for (const socket of sockets) socket.terminate();
    attacker.wire.close();
    return {
      answered: `${closedByHub} of ${sockets.length} slow sockets closed by the hub${refused ? `, ${refused} logins refused` : ""}`,
      held: true,
    };
  },
};
