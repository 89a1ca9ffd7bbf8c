/** Ephemeral send (SPEC EP1-EP5): forwarded to online member devices, never stored. */
import { SendEphemeralResponseSchema, create } from "@switchboard/protocol";
import type { HandlerTable } from "./handlerTypes.js";

export const EPHEMERAL_HANDLERS: HandlerTable<"sendEphemeral"> = {
  sendEphemeral: {
    login: "required",
    async handle(r, { services, caller }) {
      const serverTime = await services.ephemeral.send(caller, {
        conversationId: r.conversationId,
        payload: r.payload,
      });
      return create(SendEphemeralResponseSchema, { serverTime: BigInt(serverTime) });
    },
  },
};
