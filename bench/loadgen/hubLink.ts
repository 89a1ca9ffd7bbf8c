/**
 * A conversation on the hub, over the real protocol (WireDevice): the sender
 * pipelines SendMessageRequests, each with a fresh client message id and the
 * next pre-encrypted payload; receivers report pushed LogEntries by seq.
 */
import { ClientFrameSchema, create, encodeClientFrame } from "@switchboard/protocol";
import { WireDevice, describe, type RequestOp } from "../lib/wireDevice.js";
import { inBatches, type ConversationLink, type OnDelivery } from "./link.js";
import type { ConversationPlan } from "./messages.js";
import { pushedEntrySeq } from "./pushSeq.js";

/** Concurrent logins per conversation: enough to be quick, few enough not to flood the hub. */
const LOGIN_CONCURRENCY = 20;

export class HubConversation implements ConversationLink {
  private sentCount = 0;

  private constructor(
    private readonly plan: ConversationPlan,
    private readonly sender: WireDevice,
    private readonly receivers: WireDevice[],
    private readonly idPrefix: string,
  ) {}

  static async open(
    urls: { sender: string; receivers: string },
    plan: ConversationPlan,
    idPrefix: string,
    onDelivery: OnDelivery,
  ): Promise<HubConversation> {
    const [sender, ...receivers] = await inBatches(plan.members, LOGIN_CONCURRENCY, (keys, i) =>
      WireDevice.login(i === 0 ? urls.sender : urls.receivers, keys),
    );
    // Each fixture device is a member of this conversation only, so any pushed
    // entry it gets is one of ours and its seq is all we need.
    const onFrame = (frame: Buffer, receivedAt: number) => {
      const seq = pushedEntrySeq(frame);
      if (seq < 0) return false;
      onDelivery(seq, receivedAt);
      return true;
    };
    for (const r of receivers) r.onFrame = onFrame;
    // The hub also pushes each entry back to its sender's device: skip that echo undecoded.
    sender!.onFrame = (frame) => pushedEntrySeq(frame) >= 0;
    return new HubConversation(plan, sender!, receivers, idPrefix);
  }

  send(accepted: (seq: number, at: number) => void, refused: (reason: string) => void): void {
    const n = this.sentCount++;
    this.sender.send(sendMessageOp(this.plan, `${this.idPrefix}${n}`, n), (response) => {
      const at = performance.now();
      if (response.result.case === "sendMessage") accepted(Number(response.result.value.seq), at);
      else refused(describe(response));
    });
  }

  close(): void {
    this.sender.close();
    for (const r of this.receivers) r.close();
  }
}

function sendMessageOp(plan: ConversationPlan, clientMessageId: string, n: number): RequestOp {
  return {
    case: "sendMessage",
    value: {
      conversationId: plan.id,
      clientMessageId,
      payload: plan.payloads[n % plan.payloads.length]!,
      epoch: BigInt(plan.epoch),
    },
  };
}

/** Size of the hub's request frame for this conversation's payloads, so the baseline sends as many bytes. */
export function hubFrameBytes(plan: ConversationPlan): number {
  const op = sendMessageOp(plan, "w0-p0-000000", 0);
  return encodeClientFrame(create(ClientFrameSchema, { body: { case: "request", value: { id: 1000n, op } } }))
    .length;
}
