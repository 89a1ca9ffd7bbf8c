/** ListKeyPackages: which of its one-time key packages the hub still holds for the calling device. */
import type { Response } from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import type { Directory } from "../directory/directory.js";

export async function handleListKeyPackages(
  directory: Directory,
  caller: Caller,
): Promise<Response["result"]> {
  const refs = await directory.unclaimedKeyPackageRefs(caller);
  return { case: "listKeyPackages", value: { $typeName: "switchboard.v1.ListKeyPackagesResponse", refs } };
}
