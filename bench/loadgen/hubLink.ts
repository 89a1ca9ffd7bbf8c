/**
 * A conversation on the hub, over the real protocol (WireDevice): the sender
 * pipelines SendMessageRequests, each with a fresh client message id and the
 * next pre-encrypted payload; receivers report pushed LogEntries by seq.
 */
import {
  ClientFrameSchema,
  create,
  encodeClientFrame,
  encodeSendMessageRequest,
} from "@switchboard/protocol";
import { nextMessageId } from "../lib/messageIds.js";
import { WireDevice, describe, type RequestOp } from "../lib/wireDevice.js";
import { inBatches, type ConversationLink, type OnDelivery } from "./link.js";
import type { ConversationPlan } from "./messages.js";
import { pushedEntrySeq, sendMessageAck } from "./pushSeq.js";

/** Concurrent logins per conversation: enough to be quick, few enough not to flood the hub. */
const LOGIN_CONCURRENCY = 20;

export class HubConversation implements ConversationLink {
  private sentCount = 0;
  /** Sent requests by id, until their acknowledgement is read from the wire. */
  private readonly acks = new Map<number, (seq: number, at: number) => void>();

  private constructor(
    private readonly plan: ConversationPlan,
    private readonly sender: WireDevice,
    private readonly receivers: WireDevice[],
  ) {}

  static async open(
    urls: { sender: string; receivers: string },
    plan: ConversationPlan,
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
    const conversation = new HubConversation(plan, sender!, receivers);
    // Acknowledgements are read from the wire bytes like pushes (a full
    // decode per ack was the load generator's largest cost); refusals fall
    // through to the full decode. The hub may also push an entry back to its
    // sender's device: that echo is skipped undecoded.
    sender!.onFrame = (frame, receivedAt) => {
      const ack = sendMessageAck(frame);
      if (ack) return conversation.acknowledged(ack.id, ack.seq, receivedAt);
      return pushedEntrySeq(frame) >= 0;
    };
    return conversation;
  }

  send(accepted: (seq: number, at: number) => void, refused: (reason: string) => void): void {
    const n = this.sentCount++;
    const { id: conversationId, epoch } = this.plan;
    const payload = this.plan.payloads[n % this.plan.payloads.length]!;
    const clientMessageId = nextMessageId();
    const id = this.sender.sendEncoded(
      (requestId) => encodeSendMessageRequest(requestId, conversationId, clientMessageId, payload, epoch),
      (response) => {
        this.acks.delete(Number(id));
        if (response.result.case === "sendMessage")
          accepted(Number(response.result.value.seq), performance.now());
        else refused(describe(response));
      },
    );
    this.acks.set(Number(id), accepted);
  }

  private acknowledged(id: number, seq: number, at: number): boolean {
    const accepted = this.acks.get(id);
    if (accepted === undefined) return false;
    this.acks.delete(id);
    this.sender.settled(BigInt(id));
    accepted(seq, at);
    return true;
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
  const op = sendMessageOp(plan, nextMessageId(), 0);
  return encodeClientFrame(create(ClientFrameSchema, { body: { case: "request", value: { id: 1000n, op } } }))
    .length;
}
