/**
 * Changing who is in a group: add people (every device of theirs joins) and
 * remove one. Each is one MLS commit by this device; the member list on
 * screen follows from the conversation event it causes (chats.svelte.ts).
 * Leave, rename and admins come with the groups work: they belong here.
 */
import { addressList } from "./addresses.js";
import { chats } from "./chats.svelte.js";
import { describe, session } from "./session.svelte.js";

class GroupMembers {
  error = $state("");
  busy = $state(false);

  add(conversationId: string, typed: string, appId: string): Promise<boolean> {
    return this.run(() => session.client!.addMembers(conversationId, addressList(typed, appId)));
  }

  remove(conversationId: string, address: string): Promise<boolean> {
    return this.run(() => session.client!.removeMember(conversationId, address));
  }

  reset(): void {
    this.error = "";
  }

  private async run(change: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = "";
    try {
      await change();
      await chats.refresh();
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
