/** The in-process Bus: for a single node. The only part of the server that assumes one node. */
import type { Bus, BusHandler } from "./port.js";

export function createMemoryBus(onHandlerError: (err: unknown) => void = () => {}): Bus {
  const topics = new Map<string, Set<BusHandler>>();
  return {
    async publish(topic, message) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      // Copy: a handler may unsubscribe (or subscribe) while we iterate.
      for (const handler of [...handlers]) {
        try {
          handler(message);
        } catch (err) {
          onHandlerError(err);
        }
      }
    },
    subscribe(topic, handler) {
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
    async close() {
      topics.clear();
    },
  };
}
