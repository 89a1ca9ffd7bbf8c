/** Messages as an async iterator, from the client's `message` events, until a signal aborts. */
import type { LocalMessage } from "../store/port.js";

export async function* streamMessages(
  events: { on(event: "message", listener: (message: LocalMessage) => void): () => void },
  signal?: AbortSignal,
): AsyncGenerator<LocalMessage> {
  const buffer: LocalMessage[] = [];
  let wake: (() => void) | undefined;
  const off = events.on("message", (m) => {
    buffer.push(m);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      const next = buffer.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    off();
    signal?.removeEventListener("abort", onAbort);
  }
}
