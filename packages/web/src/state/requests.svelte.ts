/**
 * Message requests (SPEC PP3, PP4, WB13): chats a stranger started, listed
 * with Accept, Decline and Block. A request also shows in the chats (it can
 * be opened and read; answering it accepts it, WB10), but until accepted it
 * shares no receipts or typing. Kept current from the SDK's events, one
 * refresh at a time (events during one fold into one more).
 */
import type { MessageRequest } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";
import { chats } from "./chats.svelte.js";
import { openChat } from "./openChat.svelte.js";
import { atMostEvery } from "./atMostEvery.js";
import { describe } from "./session.svelte.js";

/**
 * Arriving messages refresh it at most this often (SPEC WB22): a refresh reads
 * every conversation (unsealing its group state), and one per message took a
 * backlog's drain from the page (bench/README.md, 2026-12-07 morning).
 */
const MESSAGE_REFRESH_MS = 250;

class Requests {
  list = $state.raw<MessageRequest[]>([]);
  error = $state("");
  private client: BrowserClient | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  start(client: BrowserClient): void {
    this.client = client;
    const refresh = () => void this.refresh();
    client.events.on("conversation", refresh);
    client.events.on("message", atMostEvery(MESSAGE_REFRESH_MS, refresh));
    refresh();
  }

  async refresh(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          this.list = await client.people.requests();
        } while (this.again);
      } catch (err) {
        this.error = describe(err);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  accept(conversationId: string): Promise<void> {
    return this.decide(conversationId, (c) => c.people.accept(conversationId));
  }

  /** Decline (and with `block`, block the sender at the hub): the chat and its messages go (PP4). */
  decline(conversationId: string, block: boolean): Promise<void> {
    return this.decide(conversationId, async (c) => {
      await c.people.decline(conversationId, { block });
      if (openChat.id === conversationId) openChat.close();
    });
  }

  private async decide(
    conversationId: string,
    task: (client: BrowserClient) => Promise<void>,
  ): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.error = "";
    try {
      await task(client);
    } catch (err) {
      this.error = describe(err);
    }
    await Promise.all([this.refresh(), chats.refresh()]);
  }
}

export const requests = new Requests();
