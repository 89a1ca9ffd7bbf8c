import type { Response } from "@switchboard/protocol";

/** The kind of answer, for a Tally: "ok" when the expected result came, else the error code. */
export function answerOf(response: Response, expected: string): string {
  if (response.result.case === expected) return "ok";
  if (response.result.case === "error") return response.result.value.code;
  return "no answer";
}
