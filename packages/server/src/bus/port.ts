/**
 * The Bus port: wakes the nodes that hold the recipients' connections. It
 * carries nothing durable (the Store is the truth; a device that misses a
 * push gets the entry on its next sync), so delivery is at-most-once.
 *
 * Topics:
 *   conv.<conversationId>  encoded ServerFrame(Push(LogEntry)) for every new entry
 *   device.<deviceId>      encoded ServerFrame(Push(...)) for one device (inbox items)
 *
 * A topic that is not `isBusTopic` is refused: `publish` rejects and
 * `subscribe` throws, with a BusError "BAD_TOPIC". Anything else that goes
 * wrong on the way (broker down, payload over its limit) drops the message:
 * `publish` resolves, the adapter logs it. Handlers run on the adapter's
 * dispatch path; one that throws is reported and does not stop the others.
 * After `close()` nothing is delivered: `publish` drops, `subscribe` returns a
 * no-op, and a second `close()` is harmless.
 */
export type BusHandler = (message: Uint8Array) => void;

export interface Bus {
  /** The adapter may hold `message` until it is sent: do not change it afterwards. */
  publish(topic: string, message: Uint8Array): Promise<void>;
  /** Returns a function that ends the subscription. */
  subscribe(topic: string, handler: BusHandler): () => void;
  /**
   * Run `handler` whenever the bus is back after an outage (never, for the
   * in-process bus), with the topics of the messages this node dropped
   * meanwhile. Messages published elsewhere to this node's subscriptions
   * were lost too. Returns a function that removes the handler.
   */
  onResume(handler: (droppedTopics: readonly string[]) => void): () => void;
  /** Resolves when the bus can carry messages now (one cheap round trip); rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const conversationTopic = (conversationId: string): string => `conv.${conversationId}`;
export const deviceTopic = (deviceId: string): string => `device.${deviceId}`;

/**
 * A topic is dot-separated tokens of letters, digits, `_` and `-`: a literal
 * NATS subject (no `*` or `>` wildcard, no space), so one topic means the same
 * thing on every adapter. Ids are hex or base32, so the topics above qualify.
 */
const TOPIC_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const MAX_TOPIC_LENGTH = 200;

export function isBusTopic(topic: string): boolean {
  return topic.length <= MAX_TOPIC_LENGTH && TOPIC_PATTERN.test(topic);
}
