/** ListKeyPackages: which of its one-time key packages the hub still holds for the calling device. */
import { ListKeyPackagesResponseSchema, create } from "@switchboard/protocol";
import type { HandlerTable } from "./handlerTypes.js";

export const KEY_PACKAGE_HANDLERS: HandlerTable<"listKeyPackages"> = {
  listKeyPackages: {
    login: "required",
    async handle(_r, { services, caller }) {
      const refs = await services.directory.unclaimedKeyPackageRefs(caller);
      return create(ListKeyPackagesResponseSchema, { refs });
    },
  },
};
