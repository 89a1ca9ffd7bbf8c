/**
 * The chat on screen: its messages (loaded from the SDK's store, then kept
 * current from its events) and sending. Sends go through the SDK's outbox:
 * offline, they wait and go out when the hub is back.
 */
import type { LocalMessage } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";
import { describe } from "./session.svelte.js";

class OpenChat {
  id = $state<string | undefined>(undefined);
  messages = $state<LocalMessage[]>([]);
  error = $state("");
  private client: BrowserClient | undefined;
  private stop: (() => void) | undefined;

  async show(client: BrowserClient, conversationId: string): Promise<void> {
    this.stop?.();
    this.client = client;
    this.id = conversationId;
    this.error = "";
    this.messages = [];
    // Listen before loading: a message stored while the list loads (one sent at once) is not lost.
    this.stop = client.events.on("message", (m) => {
      if (m.conversationId === this.id) this.upsert(m);
    });
    const stored = await client.messages(conversationId);
    if (this.id !== conversationId) return;
    const arrived = this.messages;
    this.messages = stored;
    for (const m of arrived) this.upsert(m);
  }

  /** The SDK emits an outgoing message when stored and again once the hub has it (with its seq). */
  private upsert(m: LocalMessage): void {
    const at = this.messages.findIndex((x) => x.id === m.id && x.senderDeviceId === m.senderDeviceId);
    if (at >= 0) this.messages[at] = m;
    else this.messages.push(m);
  }

  close(): void {
    this.stop?.();
    this.id = undefined;
    this.messages = [];
  }

  async send(text: string): Promise<boolean> {
    const { client, id } = this;
    if (!client || !id || text.trim() === "") return false;
    this.error = "";
    try {
      await client.sendText(id, text);
      return true;
    } catch (err) {
      this.error = describe(err);
      return false;
    }
  }
}

export const openChat = new OpenChat();
