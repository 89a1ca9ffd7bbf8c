/**
 * The chat list: every conversation with its last message, time and unread
 * count, kept current from the SDK's events. Unread counts incoming messages
 * after the last one the person saw (a per-conversation mark in the SDK's
 * app metadata, so a reload keeps it).
 */
import type { LocalConversation, LocalMessage } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";
import { atMostEvery } from "./atMostEvery.js";
import { describe } from "./session.svelte.js";

export interface ChatSummary {
  id: string;
  title: string;
  kind: "direct" | "group";
  /** Direct chats: the other person's address. */
  peer: string | null;
  participants: string[];
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

/** How far back the unread count looks: a badge says "99+" beyond it, and the preview reads this many at most. */
export const UNREAD_SCAN = 100;

/**
 * Between two refreshes while messages keep arriving: a refresh unseals every
 * conversation's record, and back to back they took the page's time from
 * decrypting (bench/webClient.ts, a backlog drained with the chat open).
 */
const REFRESH_GAP_MS = 250;
/** Between two writes of read marks while messages keep arriving (WB26): each is a sealed meta write. */
const MARK_GAP_MS = 1000;

class Chats {
  list = $state<ChatSummary[]>([]);
  /** Why the list could not be read, if it could not. */
  error = $state("");
  unreadTotal = $derived(this.list.reduce((n, c) => n + c.unread, 0));
  private client: BrowserClient | undefined;
  private self = "";
  private refreshing: Promise<void> | undefined;
  /** Read marks as last read or written: the meta values are sealed, so each read costs a decryption. */
  private readUpTo = new Map<string, number>();
  private unwritten = new Set<string>();
  private marking: Promise<void> | undefined;
  private again = false;

  async start(client: BrowserClient, self: string): Promise<void> {
    this.client = client;
    this.self = self;
    const refresh = () => void this.refresh().catch((err: unknown) => (this.error = describe(err)));
    client.events.on("conversation", refresh);
    // Arriving messages at most every REFRESH_GAP_MS (SPEC WB22): the first at once.
    client.events.on("message", atMostEvery(REFRESH_GAP_MS, refresh));
    await this.refresh();
  }

  /**
   * Re-read the list. In a busy group messages arrive faster than a refresh
   * takes: one refresh runs at a time and the events during it fold into
   * one more, so the list costs the same however many arrive.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.load();
          if (this.again) await new Promise((resolve) => setTimeout(resolve, REFRESH_GAP_MS));
        } while (this.again);
      } finally {
        // In the same turn as the last check of `again`: no event can fall between the two.
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const active = (await client.conversations()).filter((c) => c.active);
    // A declined request leaves the chats (PP4); a pending one stays, to be read and answered (WB13).
    const kept = await Promise.all(
      active.map(
        async (c) => (await client.people.inChats(c.id)) || (await client.people.isPendingRequest(c.id)),
      ),
    );
    const conversations = active.filter((_, i) => kept[i]);
    const summaries = await Promise.all(conversations.map((c) => this.summarise(client, c)));
    this.list = summaries.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /**
   * Seeing a chat reads it up to `upTo`. The mark counts at once (the cache);
   * writing it (a sealed meta value) runs one at a time, and marks moved
   * meanwhile fold into the next write: a busy open chat does not write one
   * per message.
   */
  async markRead(conversationId: string, upTo: LocalMessage | undefined): Promise<void> {
    const client = this.client;
    if (!client || !upTo) return;
    if ((await this.readMark(client, conversationId)) >= upTo.sentAt) return;
    this.readUpTo.set(conversationId, upTo.sentAt);
    this.unwritten.add(conversationId);
    this.marking ??= (async () => {
      try {
        while (this.unwritten.size > 0) {
          const ids = [...this.unwritten];
          this.unwritten.clear();
          for (const id of ids) await client.setMeta(`read.${id}`, String(this.readUpTo.get(id)));
          await this.refresh();
          // A busy open chat moves its mark with every message: one write a second is enough (WB26).
          if (this.unwritten.size > 0) await new Promise((resolve) => setTimeout(resolve, MARK_GAP_MS));
        }
      } finally {
        this.marking = undefined;
      }
    })();
    return this.marking;
  }

  private async readMark(client: BrowserClient, conversationId: string): Promise<number> {
    let mark = this.readUpTo.get(conversationId);
    if (mark === undefined) {
      mark = Number((await client.getMeta(`read.${conversationId}`)) ?? 0);
      this.readUpTo.set(conversationId, mark);
    }
    return mark;
  }

  private async summarise(client: BrowserClient, c: LocalConversation): Promise<ChatSummary> {
    // Newest first (SDK WB1): the preview and the unread count never read the whole log.
    const recent = await client.recentMessages(c.id, { limit: UNREAD_SCAN });
    const last = recent[0];
    const readUpTo = await this.readMark(client, c.id);
    const unread = recent.filter((m) => !m.outgoing && m.sentAt > readUpTo).length;
    return {
      id: c.id,
      title: chatTitle(c, this.self),
      kind: c.kind === "group" ? "group" : "direct",
      peer: c.kind === "group" ? null : (c.peer ?? c.participants.find((p) => p !== this.self) ?? null),
      participants: c.participants,
      last,
      unread,
      updatedAt: last?.sentAt ?? c.updatedAt,
    };
  }
}

export const chats = new Chats();
