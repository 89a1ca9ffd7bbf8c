/**
 * What a person does to a message on screen (SPEC CT4-CT13, WB11): reply,
 * react, edit, delete for everyone or for this device; and the reactions
 * the open chat's messages carry (looked up once per message, then kept
 * current from the SDK's `reaction` events). The SDK enforces the rules
 * (own messages only, edit within 24 h, delete within 48 h); a refusal
 * shows as the chat's error line.
 */
import type { LocalMessage, LocalReaction } from "@switchboard/client";
export { chipsOf, EMOJI, type ReactionChip } from "./reactionChips.js";
import type { BrowserClient } from "../sdk.js";
import { openChat } from "./openChat.svelte.js";
import { describe } from "./session.svelte.js";

class MessageContent {
  /** By message id (MIMI ids name their conversation, so one map serves every chat). */
  reactions = $state<Record<string, LocalReaction[]>>({});
  /** The message the composer answers, if any. */
  replyingTo = $state<LocalMessage | undefined>(undefined);
  /** The id of the message being edited in place, if any. */
  editing = $state<string | undefined>(undefined);
  private looked = new Set<string>();
  private listening: BrowserClient | undefined;

  async track(client: BrowserClient, messages: readonly LocalMessage[]): Promise<void> {
    if (this.listening !== client) {
      this.listening = client;
      client.events.on("reaction", (r) => void this.reload(client, r.conversationId, r.messageId));
      // A message just stored has no reactions yet (one to a message not stored is dropped, CT5), and
      // a later one comes with its own event: no lookup per arriving message (SPEC WB22).
      client.events.on("message", (m) => this.looked.add(m.id));
    }
    for (const m of messages) {
      if (this.looked.has(m.id)) continue;
      this.looked.add(m.id);
      await this.reload(client, m.conversationId, m.id);
    }
  }

  /** Send `text` as a reply to the message being answered, or as a plain message. */
  async send(client: BrowserClient, conversationId: string, text: string): Promise<void> {
    const to = this.replyingTo;
    if (to && to.conversationId === conversationId) {
      await client.reply(conversationId, to.id, text);
      this.replyingTo = undefined;
    } else await client.sendText(conversationId, text);
  }

  /** React with `emoji`; the same emoji again takes this person's reaction away. */
  react(client: BrowserClient, m: LocalMessage, emoji: string, self: string): Promise<void> {
    const mine = this.reactions[m.id]?.find((r) => r.senderAddress === self);
    return this.act(async () => {
      await client.react(m.conversationId, m.id, mine?.emoji === emoji ? null : emoji);
      await this.reload(client, m.conversationId, m.id);
    });
  }

  edit(client: BrowserClient, m: LocalMessage, text: string): Promise<void> {
    return this.act(async () => {
      if (text.trim() !== "" && text !== m.text)
        openChat.upsert((await client.edit(m.conversationId, m.id, text)).message);
      this.editing = undefined;
    });
  }

  deleteForEveryone(client: BrowserClient, m: LocalMessage): Promise<void> {
    return this.act(async () => {
      await client.deleteForEveryone(m.conversationId, m.id);
      openChat.upsert({ ...m, text: "", deleted: true });
    });
  }

  deleteForMe(client: BrowserClient, m: LocalMessage): Promise<void> {
    return this.act(async () => {
      await client.deleteForMe(m.conversationId, m.id);
      openChat.remove(m);
      if (this.replyingTo?.id === m.id) this.replyingTo = undefined;
    });
  }

  private async act(task: () => Promise<void>): Promise<void> {
    openChat.error = "";
    try {
      await task();
    } catch (err) {
      openChat.error = describe(err);
    }
  }

  private async reload(client: BrowserClient, conversationId: string, messageId: string): Promise<void> {
    const list = await client.reactions(conversationId, messageId);
    if (list.length > 0 || this.reactions[messageId]) this.reactions[messageId] = list;
  }
}

export const messageContent = new MessageContent();
