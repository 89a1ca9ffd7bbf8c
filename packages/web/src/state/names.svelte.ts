/**
 * People's names (SPEC PP2, WB15): the display name an account shared (it
 * rides on every text it sends), else its handle. Asked of the SDK once per
 * address, and again when a message arrives from an address whose name was
 * not known yet; a rename during the session shows after a reload.
 */
import type { BrowserClient } from "../sdk.js";
import { handleOf } from "./chats.svelte.js";

class Names {
  known = $state<Record<string, string>>({});
  private client: BrowserClient | undefined;
  private asked = new Set<string>();

  start(client: BrowserClient): void {
    this.client = client;
    this.asked.clear();
    client.events.on("message", (m) => {
      if (!m.outgoing && this.known[m.senderAddress] === undefined) void this.ask(m.senderAddress);
    });
  }

  /** What to call `address` now (reading it subscribes a component to its name). */
  of(address: string): string {
    if (!this.asked.has(address)) void this.ask(address);
    return this.known[address] ?? handleOf(address);
  }

  private async ask(address: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.asked.add(address);
    const name = await client.people.nameOf(address).catch(() => undefined);
    if (name && name !== address && this.known[address] !== name) this.known[address] = name;
  }
}

export const names = new Names();
