/**
 * Issue 14: "19,965 sockets that never sent Hello exhausted the hub" and "a
 * 1 MiB frame with unknown fields cost 463 ms of CPU before Hello".
 */
import WebSocket from "ws";
import { sampleProcess } from "../../lib/hubProcess.js";
import { sleep } from "../../lib/deadline.js";
import type { Attack } from "../types.js";

const SOCKETS = 4000;
/** Longer than a reasonable Hello deadline, so the hub has had its chance to close them. */
const HOLD_MS = 15_000;

function openSilent(server: string, from: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.replace(/^http/, "ws") + "/ws", {
      localAddress: from,
      perMessageDeflate: false,
    });
    ws.once("open", () => resolve(ws));
    ws.once("error", () => resolve(undefined));
    ws.once("unexpected-response", () => resolve(undefined));
  });
}

export const silentSockets: Attack = {
  name: "silent sockets",
  what: `${SOCKETS} WebSockets from one IP that never send Hello, held ${HOLD_MS / 1000} s`,
  async run(ctx) {
    const open: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < SOCKETS && Date.now() < ctx.deadline; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => openSilent(ctx.server, "127.0.0.3")));
      for (const ws of batch) {
        if (ws) open.push(ws);
        else refused++;
      }
    }
    let closedByHub = 0;
    for (const ws of open) ws.once("close", () => closedByHub++);
    await sleep(Math.max(0, Math.min(HOLD_MS, ctx.deadline - Date.now())));
    for (const ws of open) ws.terminate();
    return {
      answered: `${open.length} accepted, ${refused} refused; ${closedByHub} of the accepted closed by the hub within ${HOLD_MS / 1000} s`,
      held: refused > 0 || closedByHub === open.length,
    };
  },
};

const FRAMES = 20;

/** A 1 MiB ClientFrame made of ~350,000 tiny unknown fields (field 99, varint 0): costly to parse. */
function junkFrame(): Uint8Array {
  const field = [0x98, 0x06, 0x00]; // tag (99 << 3 | 0) as a varint, then value 0
  const bytes = new Uint8Array(1024 * 1024 - 16);
  for (let i = 0; i + 3 <= bytes.length; i += 3) bytes.set(field, i);
  return bytes;
}

export const bigFrameBeforeHello: Attack = {
  name: "big frame before Hello",
  what: `${FRAMES} connections each send a 1 MiB frame of unknown fields as their first frame`,
  async run(ctx) {
    const frame = junkFrame();
    const before = sampleProcess(ctx.hubPid).cpuMs;
    let closed = 0;
    for (let i = 0; i < FRAMES; i++) {
      const ws = await openSilent(ctx.server, "127.0.0.6");
      if (!ws) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        ws.once("close", () => {
          closed++;
          clearTimeout(timer);
          resolve();
        });
        ws.send(frame);
      });
      ws.terminate();
    }
    const cpuPerFrame = (sampleProcess(ctx.hubPid).cpuMs - before) / FRAMES;
    return {
      answered: `${closed} of ${FRAMES} closed by the hub; ${cpuPerFrame.toFixed(1)} ms of hub CPU per frame`,
      held: cpuPerFrame < 20 && closed === FRAMES,
    };
  },
};
