/**
 * RequestVerificationCode (SPEC DIR9): usable before login, since it is what
 * a person does before registering (rate limited per handle and per IP,
 * rateLimitOps.ts).
 */
import { RequestVerificationCodeResponseSchema, create } from "@switchboard/protocol";
import type { HandlerTable } from "./handlerTypes.js";

export const VERIFICATION_HANDLERS: HandlerTable<"requestVerificationCode"> = {
  requestVerificationCode: {
    login: "none",
    async handle(r, { services }) {
      const { address, expiresAt } = await services.directory.requestVerificationCode(r.address);
      return create(RequestVerificationCodeResponseSchema, { address, expiresAt: BigInt(expiresAt) });
    },
  },
};
