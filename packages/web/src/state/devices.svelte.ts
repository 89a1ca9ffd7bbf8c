/**
 * This account's devices on screen: the list, approving a new device by the
 * code it shows, and revoking one (a signed revocation: the hub cannot
 * remove a device the account did not revoke).
 */
import type { AccountDevice } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";
import { linkCodeFrom } from "./linkCode.js";
import { describe } from "./session.svelte.js";

class Devices {
  list = $state<AccountDevice[]>([]);
  error = $state("");
  /** One line saying what the last approval or revocation did. */
  notice = $state("");
  busy = $state(false);
  private client: BrowserClient | undefined;

  async load(client: BrowserClient): Promise<void> {
    this.client = client;
    this.error = "";
    this.notice = "";
    await this.run(async (c) => {
      this.list = await c.devices();
    });
  }

  approve(typed: string): Promise<boolean> {
    return this.run(async (c) => {
      const approved = await c.approveDevice(linkCodeFrom(typed));
      this.notice = `Approved ${approved.name}: added to ${approved.conversations} conversations.`;
      this.list = await c.devices();
    });
  }

  revoke(device: AccountDevice): Promise<boolean> {
    return this.run(async (c) => {
      const { conversations } = await c.revokeDevice(device.id);
      this.notice = `Revoked ${device.name}: removed from ${conversations} conversations.`;
      this.list = await c.devices();
    });
  }

  private async run(step: (client: BrowserClient) => Promise<void>): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    this.busy = true;
    this.error = "";
    try {
      await step(client);
      return true;
    } catch (err) {
      this.error = describe(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

export const devices = new Devices();
