/**
 * Status ticks on this account's messages in the open chat (SPEC RS4, WB9):
 * sending, sent, delivered (every other member has it), read (every one
 * read it). The SDK works the status out from its stored receipts; this
 * asks it again only for a message a receipt or a new seq is about, and
 * never again once a message is read (read is final).
 */
import type { LocalMessage, MessageStatusView } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";

/** What a tick says to assistive technology, and what it shows. */
export const TICK: Record<MessageStatusView, { name: string; mark: string }> = {
  sending: { name: "Sending", mark: "🕓" },
  sent: { name: "Sent", mark: "✓" },
  delivered: { name: "Delivered", mark: "✓✓" },
  read: { name: "Read", mark: "✓✓" },
};

class Ticks {
  /** By message id (MIMI ids name their conversation, so one map serves every chat). */
  byMessage = $state<Record<string, MessageStatusView>>({});
  private listening: BrowserClient | undefined;
  private shown = new Map<string, LocalMessage>();

  /** Work out the status of the outgoing messages on screen that may still change. */
  async track(client: BrowserClient, messages: readonly LocalMessage[]): Promise<void> {
    if (this.listening !== client) {
      this.listening = client;
      client.status.events.on("receipt", ({ messageId }) => {
        const m = this.shown.get(messageId);
        if (m) void this.update(client, m);
      });
    }
    this.shown = new Map(messages.filter((m) => m.outgoing).map((m) => [m.id, m]));
    for (const m of this.shown.values()) {
      const known = this.byMessage[m.id];
      if (known === "read" || (known !== undefined && known !== "sending" && m.seq !== null)) continue;
      await this.update(client, m);
    }
  }

  private async update(client: BrowserClient, m: LocalMessage): Promise<void> {
    const status = await client.status.messageStatus(m);
    if (this.byMessage[m.id] !== status) this.byMessage[m.id] = status;
  }
}

export const ticks = new Ticks();
