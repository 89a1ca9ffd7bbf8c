/**
 * The chat list: every conversation with its last message, time and unread
 * count, kept current from the SDK's events. Unread counts incoming messages
 * after the last one the person saw (a per-conversation mark in the SDK's
 * app metadata, so a reload keeps it).
 */
import type { LocalConversation, LocalMessage } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";

export interface ChatSummary {
  id: string;
  title: string;
  kind: "direct" | "group";
  last: LocalMessage | undefined;
  unread: number;
  updatedAt: number;
}

/** What a chat is called: its title, or the other person's handle in a direct chat. */
export function chatTitle(conversation: LocalConversation, self: string): string {
  if (conversation.kind === "group") return conversation.title || "Group";
  const other = conversation.peer ?? conversation.participants.find((p) => p !== self) ?? "";
  return handleOf(other);
}

/** "alice@instagram" -> "alice"; an email keeps its own "@". */
export function handleOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at > 0 ? address.slice(0, at) : address;
}

class Chats {
  list = $state<ChatSummary[]>([]);
  unreadTotal = $derived(this.list.reduce((n, c) => n + c.unread, 0));
  private client: BrowserClient | undefined;
  private self = "";

  async start(client: BrowserClient, self: string): Promise<void> {
    this.client = client;
    this.self = self;
    client.events.on("conversation", () => void this.refresh());
    client.events.on("message", () => void this.refresh());
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const conversations = (await client.conversations()).filter((c) => c.active);
    const summaries = await Promise.all(conversations.map((c) => this.summarise(client, c)));
    this.list = summaries.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async markRead(conversationId: string, upTo: LocalMessage | undefined): Promise<void> {
    if (!this.client || !upTo) return;
    await this.client.setMeta(`read.${conversationId}`, String(upTo.sentAt));
    await this.refresh();
  }

  private async summarise(client: BrowserClient, c: LocalConversation): Promise<ChatSummary> {
    const recent = await client.messages(c.id, { limit: 200 });
    const last = recent.at(-1);
    const readUpTo = Number((await client.getMeta(`read.${c.id}`)) ?? 0);
    const unread = recent.filter((m) => !m.outgoing && m.sentAt > readUpTo).length;
    return {
      id: c.id,
      title: chatTitle(c, this.self),
      kind: c.kind === "group" ? "group" : "direct",
      last,
      unread,
      updatedAt: last?.sentAt ?? c.updatedAt,
    };
  }
}

export const chats = new Chats();
