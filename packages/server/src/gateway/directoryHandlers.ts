/** The directory ops of a logged-in connection: key packages and account lookup. */
import {
  AccountSchema,
  ClaimKeyPackagesResponseSchema,
  ClaimedKeyPackageSchema,
  LookupAccountResponseSchema,
  UploadKeyPackagesResponseSchema,
  create,
} from "@switchboard/protocol";
import type { HandlerTable } from "./handlerTypes.js";

export const DIRECTORY_HANDLERS: HandlerTable<"uploadKeyPackages" | "claimKeyPackages" | "lookupAccount"> = {
  uploadKeyPackages: {
    login: "required",
    async handle(r, { services, caller }) {
      const lastResort = r.lastResort.length > 0 ? r.lastResort : null;
      const remaining = await services.directory.uploadKeyPackages(caller, r.keyPackages, lastResort);
      return create(UploadKeyPackagesResponseSchema, { remaining });
    },
  },
  claimKeyPackages: {
    login: "required",
    async handle(r, { services, caller }) {
      const { address, claimed } = await services.directory.claimKeyPackages(caller, r.address, r.deviceIds);
      return create(ClaimKeyPackagesResponseSchema, {
        address,
        keyPackages: claimed.map((c) =>
          create(ClaimedKeyPackageSchema, { deviceId: c.deviceId, keyPackage: c.keyPackage }),
        ),
      });
    },
  },
  lookupAccount: {
    login: "required",
    async handle(r, { services, caller }) {
      const account = await services.directory.lookupAccount(caller, r.address);
      // Only the address (SPEC DIR12): the other Account fields stay empty.
      return create(LookupAccountResponseSchema, {
        account: create(AccountSchema, { address: account.address }),
      });
    },
  },
};
