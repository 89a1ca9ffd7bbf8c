/**
 * Ephemeral send (SPEC EP1-EP5): an MLS application message for the member
 * devices of a conversation that are online right now, on any node. It goes
 * over the Bus on the conversation's topic, like an entry's push, and
 * nowhere else: no Store write, no seq, no cursor, nothing to fetch later.
 * A device that is offline simply never sees it (typing, presence).
 */
import { LIMITS, ProtocolError, ServerFrameSchema, create, encodeServerFrame } from "@switchboard/protocol";
import { wrapForBusExceptSender } from "../bus/envelope.js";
import { conversationTopic, type Bus } from "../bus/port.js";
import type { Caller, Clock } from "../caller.js";
import { requireConversationId, requireSize } from "../delivery/validate.js";
import { inspectApplicationMessage } from "../mls/inspect.js";
import type { Store } from "../store/port.js";

export class EphemeralRelay {
  constructor(
    private readonly store: Pick<Store, "getMembership">,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  /** Resolves with the hub's time once handed to the Bus; who received it is not known, by design. */
  async send(caller: Caller, input: { conversationId: string; payload: Uint8Array }): Promise<number> {
    requireConversationId(input.conversationId);
    requireSize(input.payload, LIMITS.maxEphemeralBytes, "ephemeral message");
    // [EP2] members only; NOT_FOUND, as for every other request, so a non-member learns nothing.
    if (!(await this.store.getMembership(input.conversationId, caller.deviceId)))
      throw new ProtocolError("NOT_FOUND", "no such conversation");
    // [EP3] an MLS PrivateMessage of this very group, like a stored message: nothing else is relayed.
    const facts = inspectApplicationMessage(input.payload, input.conversationId);
    if (!facts.ok) throw new ProtocolError("INVALID_ARGUMENT", facts.reason);
    const serverTime = this.clock();
    const frame = encodeServerFrame(
      create(ServerFrameSchema, {
        body: {
          case: "push",
          value: {
            body: {
              case: "ephemeral",
              value: {
                conversationId: input.conversationId,
                senderAddress: caller.address,
                senderDeviceId: caller.deviceId,
                payload: input.payload,
                serverTime: BigInt(serverTime),
              },
            },
          },
        },
      }),
    );
    // [EP1] the Bus only; every node forwards it to its connected member devices but the sender's.
    await this.bus.publish(
      conversationTopic(input.conversationId),
      wrapForBusExceptSender(caller.deviceId, frame),
    );
    return serverTime;
  }
}
