/**
 * The chat on screen: its newest messages (a page from the SDK's store,
 * newest first, SDK WB1), older pages as the person scrolls up, then kept
 * current from its events; and sending. Sends go through the SDK's outbox:
 * offline, they wait and go out when the hub is back.
 *
 * A chat of 10,000 messages opens by reading one page, not the log: the DOM
 * holds only what was paged in, and the log's articles skip rendering while
 * off screen (content-visibility, styles.css), so they stay in the
 * accessibility tree as a log's children must.
 */
import type { LocalMessage } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";
import { describe } from "./session.svelte.js";

/** Messages per page: a few screens' worth. */
export const PAGE = 60;

class OpenChat {
  id = $state<string | undefined>(undefined);
  /** Raw (replaced, never mutated): thousands of messages need no deep proxies, only a new array per change. */
  messages = $state.raw<LocalMessage[]>([]);
  /** More messages above the first one on screen. */
  hasOlder = $state(false);
  loadingOlder = $state(false);
  error = $state("");
  /** A message to bring into view (a search result, WB18); the log scrolls to it and marks it. */
  found = $state<string | undefined>(undefined);
  private client: BrowserClient | undefined;
  private stop: (() => void) | undefined;

  /** Open a chat at one of its messages: pages back until it is on screen. */
  async showAt(client: BrowserClient, conversationId: string, messageId: string): Promise<void> {
    await this.show(client, conversationId, messageId);
    while (this.id === conversationId && !this.messages.some((m) => m.id === messageId))
      if (!(await this.loadOlder())) break;
  }

  async show(client: BrowserClient, conversationId: string, found?: string): Promise<void> {
    this.found = found;
    this.stop?.();
    this.client = client;
    this.id = conversationId;
    this.error = "";
    this.messages = [];
    this.hasOlder = false;
    // Listen before loading: a message stored while the page loads (one sent at once) is not lost.
    const stops = [
      client.events.on("message", (m) => {
        if (m.conversationId === this.id) this.upsert(m);
      }),
      // Another person's (or device's) edit or delete for everyone changes a message in place (CT6, CT7).
      client.events.on("edit", ({ message }) => {
        if (message.conversationId === this.id) this.upsert(message);
      }),
      // A disappearing message whose time is up leaves the screen as it leaves the store (XP5).
      client.events.on("expired", (m) => {
        if (m.conversationId === this.id) this.remove(m);
      }),
      client.events.on("delete", ({ conversationId, messageId }) => {
        const m = this.messages.find((x) => x.id === messageId);
        if (conversationId === this.id && m) this.upsert({ ...m, text: "", deleted: true });
      }),
    ];
    this.stop = () => stops.forEach((stop) => stop());
    const newest = await client.recentMessages(conversationId, { limit: PAGE });
    if (this.id !== conversationId) return;
    const arrived = this.messages;
    this.messages = newest.reverse();
    this.hasOlder = newest.length === PAGE;
    for (const m of arrived) this.upsert(m);
  }

  /** The page above the oldest message on screen; false when there is none. */
  async loadOlder(): Promise<boolean> {
    const { client, id } = this;
    if (!client || !id || !this.hasOlder || this.loadingOlder) return false;
    const oldest = this.messages.find((m) => m.seq !== null);
    this.loadingOlder = true;
    try {
      const page = await client.recentMessages(id, {
        limit: PAGE,
        ...(oldest?.seq != null ? { beforeSeq: oldest.seq } : {}),
      });
      if (this.id !== id) return false;
      const shown = new Set(this.messages.map(keyOf));
      const older = page.reverse().filter((m) => !shown.has(keyOf(m)));
      this.messages = [...older, ...this.messages];
      this.hasOlder = page.length === PAGE;
      return older.length > 0;
    } finally {
      this.loadingOlder = false;
    }
  }

  /** The SDK emits an outgoing message when stored and again once the hub has it (with its seq). */
  upsert(m: LocalMessage): void {
    if (m.conversationId !== this.id) return;
    const at = this.messages.findLastIndex((x) => x.id === m.id && x.senderDeviceId === m.senderDeviceId);
    this.messages = at >= 0 ? this.messages.with(at, m) : [...this.messages, m];
  }

  /** Deleted for this device only. */
  remove(m: LocalMessage): void {
    this.messages = this.messages.filter((x) => keyOf(x) !== keyOf(m));
  }

  close(): void {
    this.found = undefined;
    this.stop?.();
    this.id = undefined;
    this.messages = [];
    this.hasOlder = false;
  }

  async send(text: string): Promise<boolean> {
    const { client, id } = this;
    if (!client || !id || text.trim() === "") return false;
    this.error = "";
    try {
      // Answering a message request accepts it, as the big messengers do: receipts and typing flow from then on (PP3).
      if (await client.people.isPendingRequest(id)) await client.people.accept(id);
      // In the chat pane's chunk (the composer is there): not part of the page's first load (WB16).
      const { messageContent } = await import("./messageContent.svelte.js");
      await messageContent.send(client, id, text);
      return true;
    } catch (err) {
      this.error = describe(err);
      return false;
    }
  }
}

function keyOf(m: LocalMessage): string {
  return `${m.senderDeviceId}/${m.id}`;
}

export const openChat = new OpenChat();
