/** Group ops (SPEC GR): a member's proposal to leave. */
import { ProposeLeaveResponseSchema, create } from "@switchboard/protocol";
import type { HandlerTable } from "./handlerTypes.js";

export const GROUP_HANDLERS: HandlerTable<"proposeLeave"> = {
  proposeLeave: {
    login: "required",
    async handle(r, { services, caller }) {
      const seq = await services.leaves.propose(caller, r.conversationId, r.proposal);
      return create(ProposeLeaveResponseSchema, { seq: BigInt(seq) });
    },
  },
};
