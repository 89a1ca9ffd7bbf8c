/** The gateway's ops for people (SPEC PP): blocklists and the caller's app policy. */
import {
  BlockResponseSchema,
  BlockedAccountSchema,
  GetAppPolicyResponseSchema,
  ListBlockedResponseSchema,
  UnblockResponseSchema,
  create,
} from "@switchboard/protocol";
import type { HandlerTable } from "../gateway/handlerTypes.js";

export const PEOPLE_HANDLERS: HandlerTable<"block" | "unblock" | "listBlocked" | "getAppPolicy"> = {
  block: {
    login: "required",
    async handle(r, { services, caller }) {
      return create(BlockResponseSchema, { address: await services.blocklist.block(caller, r.address) });
    },
  },
  unblock: {
    login: "required",
    async handle(r, { services, caller }) {
      return create(UnblockResponseSchema, { address: await services.blocklist.unblock(caller, r.address) });
    },
  },
  listBlocked: {
    login: "required",
    async handle(r, { services, caller }) {
      const page = await services.blocklist.list(caller, r.afterAddress, r.limit);
      return create(ListBlockedResponseSchema, {
        accounts: page.accounts.map((b) =>
          create(BlockedAccountSchema, { address: b.address, blockedAt: BigInt(b.blockedAt) }),
        ),
        hasMore: page.hasMore,
      });
    },
  },
  getAppPolicy: {
    login: "required",
    async handle(_r, { services, caller }) {
      return create(GetAppPolicyResponseSchema, services.blocklist.appPolicy(caller));
    },
  },
};
