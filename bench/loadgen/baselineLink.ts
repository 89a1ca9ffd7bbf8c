/**
 * A conversation through the raw `ws` forwarder (bench/baseline/forwarder.ts):
 * every member joins the conversation's pair id, the sender's frames go to
 * every receiver. A frame is as long as the hub's request frame for the same
 * payload; its first four bytes carry a seq the receivers read back, which
 * stands in for the hub's acknowledged seq.
 */
import WebSocket from "ws";
import { inBatches, type ConversationLink, type OnDelivery } from "./link.js";
import type { ConversationPlan } from "./messages.js";
import { hubFrameBytes } from "./hubLink.js";

const CONNECT_CONCURRENCY = 20;

async function join(url: string, pairId: string, role: "send" | "recv"): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  // The forwarder answers "ok" once the socket is paired; only then may frames flow.
  const joined = new Promise<void>((resolve) => ws.once("message", () => resolve()));
  ws.send(`join ${pairId} ${role}`);
  await joined;
  return ws;
}

export class BaselineConversation implements ConversationLink {
  private nextSeq = 1;

  private constructor(
    private readonly plan: ConversationPlan,
    private readonly frameBytes: number,
    private readonly sender: WebSocket,
    private readonly receivers: WebSocket[],
  ) {}

  static async open(
    url: string,
    plan: ConversationPlan,
    onDelivery: OnDelivery,
  ): Promise<BaselineConversation> {
    const sender = await join(url, plan.id, "send");
    const receivers = await inBatches(plan.members.slice(1), CONNECT_CONCURRENCY, () =>
      join(url, plan.id, "recv"),
    );
    for (const r of receivers) {
      r.on("message", (data: Buffer) => onDelivery(data.readUInt32BE(0), performance.now()));
    }
    return new BaselineConversation(plan, hubFrameBytes(plan), sender, receivers);
  }

  send(accepted: (seq: number, at: number) => void): void {
    const seq = this.nextSeq++;
    const payload = this.plan.payloads[seq % this.plan.payloads.length]!;
    // A fresh buffer per frame: ws may still hold the previous one.
    const frame = Buffer.alloc(this.frameBytes);
    frame.set(payload.subarray(0, this.frameBytes - 4), 4);
    frame.writeUInt32BE(seq, 0);
    this.sender.send(frame);
    accepted(seq, performance.now());
  }

  close(): void {
    this.sender.close();
    for (const r of this.receivers) r.close();
  }
}
