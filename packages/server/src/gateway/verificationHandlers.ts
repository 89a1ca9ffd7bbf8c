/**
 * RequestVerificationCode (SPEC DIR9): usable before login, since it is what
 * a person does before registering. Kept apart from handlers.ts so the
 * request table there stays one line per op.
 */
import type { RequestVerificationCodeRequest, Response } from "@switchboard/protocol";
import type { Directory } from "../directory/directory.js";

export async function handleRequestVerificationCode(
  directory: Directory,
  request: RequestVerificationCodeRequest,
): Promise<Response["result"]> {
  const { address, expiresAt } = await directory.requestVerificationCode(request.address);
  return {
    case: "requestVerificationCode",
    value: {
      $typeName: "switchboard.v1.RequestVerificationCodeResponse",
      address,
      expiresAt: BigInt(expiresAt),
    },
  };
}
