/**
 * Fill one conversation's log through the real protocol: pipelined
 * SendMessage requests replaying pre-encrypted ciphertexts under fresh client
 * message ids. Every one is acknowledged only once durable, so the rate is
 * the hub's durable appends per second into a single conversation.
 */
import { LIMITS } from "@switchboard/protocol";
import { describe, type WireDevice } from "./wireDevice.js";

export interface FillResult {
  appended: number;
  errors: number;
  firstError?: string;
  ms: number;
}

/** Stay under the hub's in-flight limit, which answers RATE_LIMITED past it. */
const WINDOW = Math.floor(LIMITS.maxInFlightRequests * 0.75);

export function fillLog(
  sender: WireDevice,
  conversation: { id: string; epoch: number; payloads: readonly Uint8Array[] },
  total: number,
  progress: (done: number) => void = () => {},
): Promise<FillResult> {
  const started = performance.now();
  const result: FillResult = { appended: 0, errors: 0, ms: 0 };
  let sent = 0;
  let done = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (sent < total && sent - done < WINDOW) {
        const i = sent++;
        sender.send(
          {
            case: "sendMessage",
            value: {
              conversationId: conversation.id,
              clientMessageId: `fill-${i}`,
              payload: conversation.payloads[i % conversation.payloads.length]!,
              epoch: BigInt(conversation.epoch),
            },
          },
          (response) => {
            done++;
            if (response.result.case === "sendMessage") result.appended++;
            else {
              result.errors++;
              result.firstError ??= describe(response);
            }
            if (done % 5_000 === 0) progress(done);
            if (done === total) {
              result.ms = performance.now() - started;
              resolve(result);
            } else pump();
          },
        );
      }
    };
    pump();
  });
}
