/**
 * The message operations the client offers (SPEC CT3-CT13), over one set of
 * dependencies: each operation lives in its own module; this only binds them.
 * Reacting, editing, deleting and file messages load on first use, not with
 * the page (SPEC WB16): a person does them from an open chat.
 */
import type { LocalMessage, LocalReaction } from "../store/port.js";
import type { FileAttachment } from "../content/filePart.js";
import { sendText } from "./messages.js";
import { quoteOf, type Quote } from "../content/rules.js";
import type { SendDeps } from "./sendContent.js";

/** A change to a message that itself travels as a message: its own id, and its seq once stored. */
export interface SentChange {
  id: string;
  seq: number | null;
}

export class Messaging {
  constructor(readonly deps: SendDeps) {}

  sendText(conversationId: string, text: string): Promise<LocalMessage> {
    return sendText(this.deps, conversationId, text);
  }

  /** A message carrying an uploaded file (SPEC MD12); its caption may be "". */
  async sendFile(conversationId: string, file: FileAttachment, caption: string): Promise<LocalMessage> {
    const { sendFileMessage } = await import("./fileMessages.js");
    return sendFileMessage(this.deps, conversationId, file, caption);
  }

  reply(conversationId: string, messageId: string, text: string): Promise<LocalMessage> {
    return sendText(this.deps, conversationId, text, messageId);
  }

  /** null takes this person's reaction away (resolving null when there was none). */
  async react(conversationId: string, messageId: string, emoji: string | null): Promise<SentChange | null> {
    const { react } = await import("./reactions.js");
    return react(this.deps, conversationId, messageId, emoji);
  }

  async edit(
    conversationId: string,
    messageId: string,
    text: string,
  ): Promise<SentChange & { message: LocalMessage }> {
    const { edit } = await import("./edits.js");
    return edit(this.deps, conversationId, messageId, text);
  }

  async deleteForEveryone(conversationId: string, messageId: string): Promise<SentChange> {
    const { deleteForEveryone } = await import("./deletes.js");
    return deleteForEveryone(this.deps, conversationId, messageId);
  }

  async deleteForMe(conversationId: string, messageId: string): Promise<void> {
    const { deleteForMe } = await import("./deletes.js");
    return deleteForMe(this.deps, conversationId, messageId);
  }

  reactions(conversationId: string, messageId: string): Promise<LocalReaction[]> {
    return this.deps.store.listReactions(conversationId, messageId);
  }

  /** What a reply shows of its original: the message, or "original not found" (SPEC CT13). */
  async quote(conversationId: string, messageId: string): Promise<Quote> {
    return quoteOf(await this.deps.store.getMessage(conversationId, messageId));
  }
}
