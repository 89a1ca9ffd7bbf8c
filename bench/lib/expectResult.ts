import type { Response } from "@switchboard/protocol";
import { describe, type RequestOp, type WireDevice } from "./wireDevice.js";

export type ResultOf<K> = Extract<Response["result"], { case: K }> extends { value: infer V } ? V : never;

/** Send a request and insist on its answer: an error answer (or none) throws, with its code. */
export async function expectResult<K extends NonNullable<Response["result"]["case"]>>(
  wire: WireDevice,
  op: RequestOp,
  result: K,
): Promise<ResultOf<K>> {
  const response = await wire.request(op);
  if (response.result.case !== result) throw new Error(`${op.case}: ${describe(response)}`);
  return response.result.value as ResultOf<K>;
}
