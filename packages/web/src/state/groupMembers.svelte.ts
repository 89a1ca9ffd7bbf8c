/**
 * Changing a group (SPEC GR, WB17): add people (every device of theirs
 * joins), remove one, rename it, make or unmake admins, leave. Each is an
 * MLS commit or proposal by this device; the member list and the title on
 * screen follow from the conversation event it causes (chats.svelte.ts), the
 * admins from the group's settings, read again on every group event.
 */
import { addressList } from "./addresses.js";
import { chats } from "./chats.svelte.js";
import { openChat } from "./openChat.svelte.js";
import { describe, session } from "./session.svelte.js";
import type { BrowserClient } from "../sdk.js";

export type GroupView = Awaited<ReturnType<BrowserClient["groups"]["settings"]>>;

class GroupMembers {
  error = $state("");
  busy = $state(false);
  /** The open group's admins and title, as its MLS state says (GR1). */
  view = $state<GroupView | undefined>();
  private shown: string | undefined;
  private stopWatching: (() => void) | undefined;

  /** Read the group's settings, and again whenever one of its commits changes something. */
  async watch(conversationId: string): Promise<void> {
    const client = session.client;
    if (!client) return;
    this.shown = conversationId;
    this.stopWatching?.();
    this.stopWatching = client.events.on("group", (event) => {
      if (event.conversationId === this.shown) void this.read(client, event.conversationId);
    });
    await this.read(client, conversationId);
  }

  /** Whether this account may rename the group and change its admins and members. */
  mayManage(self: string): boolean {
    const view = this.view;
    return view !== undefined && (view.everyoneManages || view.admins.includes(self));
  }

  add(conversationId: string, typed: string, appId: string): Promise<boolean> {
    return this.run(() => session.client!.addMembers(conversationId, addressList(typed, appId)));
  }

  remove(conversationId: string, address: string): Promise<boolean> {
    return this.run(() => session.client!.removeMember(conversationId, address));
  }

  rename(conversationId: string, title: string): Promise<boolean> {
    return this.run(() => session.client!.groups.rename(conversationId, title));
  }

  setAdmin(conversationId: string, address: string, admin: boolean): Promise<boolean> {
    return this.run(() => session.client!.groups.setAdmin(conversationId, address, admin));
  }

  /** Leave: the chat closes and leaves the list (its conversation is no longer active). */
  async leave(conversationId: string): Promise<boolean> {
    const left = await this.run(() => session.client!.groups.leave(conversationId));
    if (left && openChat.id === conversationId) openChat.close();
    return left;
  }

  reset(): void {
    this.error = "";
  }

  private async read(client: BrowserClient, conversationId: string): Promise<void> {
    try {
      const view = await client.groups.settings(conversationId);
      if (this.shown === conversationId) this.view = view;
    } catch (err) {
      this.error = describe(err);
    }
  }

  private async run(change: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = "";
    try {
      await change();
      await chats.refresh();
      if (this.shown && session.client) await this.read(session.client, this.shown);
      return true;
    } catch (err) {
      this.error = describe(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

export const groupMembers = new GroupMembers();
