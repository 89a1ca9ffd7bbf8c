/**
 * Search over this device's messages (SPEC XP8, WB18): the SDK's search, a
 * query at a time (an answer to an older query than the one typed is
 * dropped), and choosing a result opens its chat at that message.
 */
import type { LocalMessage } from "@switchboard/client";
import { openChat } from "./openChat.svelte.js";
import { describe, session } from "./session.svelte.js";

/** Results shown: a screen or two; a longer query narrows them. */
export const SEARCH_LIMIT = 30;

class Search {
  query = $state("");
  results = $state.raw<LocalMessage[]>([]);
  error = $state("");
  private asked = 0;

  async run(text: string): Promise<void> {
    this.query = text;
    const ask = ++this.asked;
    const client = session.client;
    if (!client || text.trim() === "") {
      this.results = [];
      this.error = "";
      return;
    }
    try {
      const found = await client.expiry.search(text, { limit: SEARCH_LIMIT });
      if (ask !== this.asked) return;
      this.results = found;
      this.error = "";
    } catch (err) {
      if (ask === this.asked) this.error = describe(err);
    }
  }

  /** Open the result's chat, paged back to the message, which the log then scrolls to. */
  async choose(m: LocalMessage): Promise<void> {
    const client = session.client;
    if (client) await openChat.showAt(client, m.conversationId, m.id);
  }
}

export const search = new Search();
