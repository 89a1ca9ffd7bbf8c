/**
 * Pacing, the same for every system: a closed loop keeps a fixed window of
 * messages in flight per sender (to find saturation); an open loop sends at
 * a fixed rate whatever the system does (to measure latency at a given load:
 * a slow answer does not slow the senders, so queueing shows up in latency
 * instead of hiding as a lower rate).
 */
import type { ConversationLink } from "./link.js";
import type { LoadShape } from "./messages.js";
import type { ConversationTracker } from "./tracker.js";

export interface Driven {
  link: ConversationLink;
  tracker: ConversationTracker;
}

/**
 * An open-loop sender never has more than this many requests in flight: the
 * hub refuses more than 256 per connection (LIMITS.maxInFlightRequests).
 * Sends over the cap are skipped and counted, which marks the load as beyond
 * what the system sustains.
 */
const OPEN_LOOP_CAP = 200;

/** Open-loop timer period: Node's timers do not go finer than a millisecond. */
const TICK_MS = 1;

export function sendOne(c: Driven): void {
  const o = c.tracker.sent(performance.now());
  c.link.send(
    (seq, at) => c.tracker.accepted(o, seq, at),
    (reason) => c.tracker.refused(o, reason),
  );
}

export interface Pacer {
  /** Called by a tracker when one of its messages completes. */
  completed(c: Driven): void;
  stop(): void;
}

export function startPacer(shape: LoadShape, conversations: Driven[]): Pacer {
  return shape.kind === "closed"
    ? closedLoop(shape.window, conversations)
    : openLoop(shape.messagesPerSecond, conversations);
}

function closedLoop(window: number, conversations: Driven[]): Pacer {
  let running = true;
  for (const c of conversations) for (let i = c.tracker.inFlight; i < window; i++) sendOne(c);
  return {
    completed(c) {
      if (running && c.tracker.inFlight < window) sendOne(c);
    },
    stop() {
      running = false;
    },
  };
}

function openLoop(messagesPerSecond: number, conversations: Driven[]): Pacer {
  const start = performance.now();
  let issued = 0;
  let next = 0;
  const tick = () => {
    const due = Math.floor(((performance.now() - start) / 1000) * messagesPerSecond);
    for (; issued < due; issued++) {
      const c = conversations[next++ % conversations.length]!;
      if (c.tracker.inFlight >= OPEN_LOOP_CAP) {
        if (c.tracker.recorder.inWindow(performance.now())) c.tracker.recorder.skipped++;
        continue;
      }
      sendOne(c);
    }
  };
  const timer = setInterval(tick, TICK_MS);
  return {
    completed() {},
    stop() {
      clearInterval(timer);
    },
  };
}
