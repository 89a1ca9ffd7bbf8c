/**
 * The typing indicator of the open chat (SPEC EP7, WB12). The SDK holds who
 * is typing (a signal lasts 15 s unless renewed; a message from them ends
 * it); this asks it again when a signal or a message arrives and when the
 * earliest signal runs out, and names people by their shared display name.
 */
import type { BrowserClient } from "../sdk.js";
import { handleOf } from "./chats.svelte.js";
import { typingLine } from "./typingLine.js";
export { typingLine } from "./typingLine.js";

class Typing {
  line = $state("");
  private stop: (() => void) | undefined;

  watch(client: BrowserClient, conversationId: string): void {
    this.stop?.();
    this.line = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = 0;
    const again = async () => {
      const ask = ++asked;
      const who = client.status.typingIn(conversationId);
      const names = await Promise.all(who.map(async (a) => (await client.people.nameOf(a)) ?? handleOf(a)));
      if (ask === asked) this.line = typingLine(names);
    };
    const stops = [
      client.status.events.on("typing", (t) => {
        if (t.conversationId !== conversationId) return;
        void again();
        clearTimeout(timer);
        // Date.now is the SDK's clock in the browser; a little after, so the signal has run out.
        timer = setTimeout(() => void again(), Math.max(0, t.expiresAt - Date.now()) + 100);
      }),
      client.events.on("message", (m) => {
        if (m.conversationId === conversationId) void again();
      }),
    ];
    this.stop = () => {
      clearTimeout(timer);
      stops.forEach((s) => s());
    };
    void again();
  }

  close(): void {
    this.stop?.();
    this.stop = undefined;
    this.line = "";
  }
}

export const typing = new Typing();

/** Composing: tell the others (the SDK sends at most one signal per 5 s, none while a request is pending). */
export function composing(client: BrowserClient, conversationId: string): void {
  void client.status.typing(conversationId).catch(() => undefined);
}
