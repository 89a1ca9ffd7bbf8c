/**
 * The in-process Bus: for a single node, and the NATS bus's delivery to the
 * node's own subscribers (natsBus.ts).
 */
import { badTopic } from "./errors.js";
import { isBusTopic, type Bus, type BusHandler } from "./port.js";

/** Every publish here is done when it returns: one settled promise for all of them, not one per message. */
const DELIVERED: Promise<void> = Promise.resolve();

export function createMemoryBus(onHandlerError: (err: unknown) => void = () => {}): Bus {
  const topics = new Map<string, Set<BusHandler>>();
  let closed = false;
  return {
    publish(topic, message) {
      const handlers = topics.get(topic);
      // A topic with handlers passed isBusTopic when they subscribed: the
      // pattern is tested only for the others (once per message otherwise).
      if (!handlers) return isBusTopic(topic) ? DELIVERED : Promise.reject(badTopic(topic));
      // Copy: a handler may unsubscribe (or subscribe) while we iterate.
      for (const handler of [...handlers]) {
        try {
          handler(message);
        } catch (err) {
          onHandlerError(err);
        }
      }
      return DELIVERED;
    },
    subscribe(topic, handler) {
      if (!isBusTopic(topic)) throw badTopic(topic);
      if (closed) return () => {};
      let handlers = topics.get(topic);
      if (!handlers) {
        handlers = new Set();
        topics.set(topic, handlers);
      }
      // Wrap so the same function may subscribe twice and unsubscribe each once.
      const entry: BusHandler = (m) => handler(m);
      handlers.add(entry);
      return () => {
        const set = topics.get(topic);
        if (!set) return;
        set.delete(entry);
        if (set.size === 0) topics.delete(topic);
      };
    },
    // Nothing is ever lost in-process: there is no outage to resume from.
    onResume() {
      return () => {};
    },
    async ping() {
      if (closed) throw new Error("the bus is closed");
    },
    async close() {
      closed = true;
      topics.clear();
    },
  };
}
