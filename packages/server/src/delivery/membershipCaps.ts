/**
 * [DS16] Caps on membership, so one account cannot be buried in
 * conversations: at most `maxConversationsPerAccount` conversations per
 * account, and at most `maxGroupAddsPerHour` conversations other accounts
 * add it to per hour. Checked before a commit is stored and recorded after;
 * commits racing on several nodes may pass a cap by the few that race.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { Store } from "../store/port.js";
import { GROUP_ADD_WINDOW_MS, type MembershipSettings } from "./membershipSettings.js";

export class MembershipCaps {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: MembershipSettings,
  ) {}

  /** Before creating a conversation: the creator has room for one more. */
  async requireRoomToCreate(caller: Caller): Promise<void> {
    await this.requireRoom(caller.address);
  }

  /** Before a commit that makes these accounts participants: each has room, and may be added by `adder` now. */
  async requireRoomToAdd(adder: Caller, accounts: readonly string[]): Promise<void> {
    const since = this.clock() - GROUP_ADD_WINDOW_MS;
    for (const address of accounts) {
      await this.requireRoom(address);
      if (address === adder.address) continue;
      const recent = await this.store.countGroupAdds(address, since);
      if (recent >= this.settings.maxGroupAddsPerHour) {
        throw new ProtocolError(
          "GROUP_ADD_LIMIT",
          `${address} was added to ${recent} conversations in the last hour; try again later`,
        );
      }
    }
  }

  /** After the commit is stored: the adds by others count against the per-hour cap. */
  async recordAdds(adder: Caller, conversationId: string, accounts: readonly string[]): Promise<void> {
    const at = this.clock();
    const adds = accounts
      .filter((address) => address !== adder.address)
      .map((address) => ({ address, conversationId, adder: adder.address, at }));
    if (adds.length > 0) await this.store.recordGroupAdds(adds, at - GROUP_ADD_WINDOW_MS);
  }

  private async requireRoom(address: string): Promise<void> {
    const count = await this.store.countConversations(address);
    if (count >= this.settings.maxConversationsPerAccount) {
      throw new ProtocolError(
        "CONVERSATION_LIMIT",
        `${address} is in ${count} conversations, the most this hub allows`,
      );
    }
  }
}
