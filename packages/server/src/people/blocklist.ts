/**
 * Blocking (SPEC PP5-PP7): each account's list of accounts whose new
 * messages, direct conversations and invitations stop at the hub, so they
 * never reach the blocker's devices or fill its queues. The blocked account
 * is not told: what it sees is what it would see of an account that is
 * simply not answering (PP7).
 */
import { ProtocolError } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { MayAdd } from "../delivery/addChecks.js";
import type { AppRegistry } from "../directory/apps.js";
import type { BlockRecord } from "../store/blocksPort.js";
import type { Store } from "../store/port.js";

/** How many accounts one account may block: every input is bounded (DESIGN rule 6). */
export const MAX_BLOCKED_ACCOUNTS = 1000;
/** The page size of ListBlocked when the caller asks for none, and its cap. */
export const BLOCKED_PAGE = 200;

export class Blocklist {
  constructor(
    private readonly store: Store,
    private readonly apps: AppRegistry,
    private readonly clock: Clock,
  ) {}

  /**
   * Block `target` (normalised). The account need not exist and its app's
   * reach does not matter: answering NOT_FOUND would let a blocker probe
   * accounts that lookups keep hidden (DIR12, PP1), and a closed app's users
   * may still write to an open app's.
   */
  async block(caller: Caller, target: string): Promise<string> {
    const { address } = this.apps.resolve(target);
    if (address === caller.address) throw new ProtocolError("INVALID_ARGUMENT", "you cannot block yourself");
    if (await this.store.hasBlocked(caller.address, address)) return address;
    const held = await this.store.listBlocked(caller.address, "", MAX_BLOCKED_ACCOUNTS);
    if (held.length >= MAX_BLOCKED_ACCOUNTS)
      throw new ProtocolError("TOO_LARGE", `at most ${MAX_BLOCKED_ACCOUNTS} blocked accounts`);
    await this.store.block(caller.address, address, this.clock());
    return address;
  }

  /** [PP3] The caller's own app and its reach policy, so its SDK knows whether to file message requests. */
  appPolicy(caller: Caller): { app: string; reach: string } {
    return { app: caller.app, reach: this.apps.get(caller.app)?.reach ?? "open" };
  }

  async unblock(caller: Caller, target: string): Promise<string> {
    const { address } = this.apps.resolve(target);
    await this.store.unblock(caller.address, address);
    return address;
  }

  async list(
    caller: Caller,
    afterAddress: string,
    limit: number,
  ): Promise<{ accounts: BlockRecord[]; hasMore: boolean }> {
    const size = limit === 0 ? BLOCKED_PAGE : Math.min(limit, BLOCKED_PAGE);
    const rows = await this.store.listBlocked(caller.address, afterAddress, size + 1);
    return { accounts: rows.slice(0, size), hasMore: rows.length > size };
  }

  /**
   * [PP6] The delivery service's `mayAdd` hook: an account that blocked the
   * adder is not added to its groups. Claims are refused first (PP7), so
   * this is met only with key packages claimed before the block.
   */
  readonly mayAdd: MayAdd = async (adder, target) =>
    (await this.store.hasBlocked(target, adder.address)) ? `${target} cannot be added` : undefined;
}
