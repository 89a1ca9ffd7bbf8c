/** What a Bus adapter refuses or cannot do, as data the caller can branch on. */
export type BusErrorCode =
  /** Not a topic (see `isBusTopic`): a caller's bug, never retried. */
  | "BAD_TOPIC"
  /** The adapter's own settings are wrong (a NATS subject prefix with a wildcard, say). */
  | "BAD_OPTION"
  /** The broker could not be reached when the bus was opened. */
  | "UNREACHABLE";

export class BusError extends Error {
  override readonly name = "BusError";

  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function badTopic(topic: string): BusError {
  return new BusError("BAD_TOPIC", `not a bus topic: ${JSON.stringify(topic.slice(0, 80))}`);
}
