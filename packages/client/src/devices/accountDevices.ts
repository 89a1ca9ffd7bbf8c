/**
 * The account's devices, seen from one of them: approve a new one by its
 * code, list them, revoke one (signed, DIR14), and the safety number with a
 * contact. Linking this device itself (beginLink) stays with the client: it
 * runs before there is an identity.
 */
import type { AccountDevice } from "../clientTypes.js";
import type { Committer } from "../conversations/commits.js";
import type { StoredIdentity, LocalStore } from "../store/port.js";
import type { Call } from "../session/call.js";
import { listAllDevices } from "../session/pages.js";
import type { HistoryChoice } from "./history.js";
import { approveLink, type ApprovedDevice } from "./linking.js";
import { signRevocation } from "./revocation.js";
import { safetyNumber } from "./safetyNumber.js";
import type { DeviceTrust } from "./trust.js";

export interface AccountDevicesDeps {
  call: Call;
  store: LocalStore;
  trust: DeviceTrust;
  committer: Committer;
  clock(): number;
  identity(): StoredIdentity;
  /** Bring one conversation up to the hub's log. */
  catchUp(conversationId: string): Promise<void>;
  /** Fetch and apply everything new (before approving, so the new device joins current groups). */
  sync(): Promise<void>;
  /** The address as the hub normalises it. */
  lookup(address: string): Promise<string>;
  /** A failure the caller does not see (a removal another member will commit). */
  reportError(error: unknown, context: string): void;
}

export class AccountDevices {
  constructor(private readonly deps: AccountDevicesDeps) {}

  async approve(code: string, history: HistoryChoice): Promise<ApprovedDevice> {
    const { deps } = this;
    const identity = deps.identity();
    await deps.sync();
    const result = await approveLink(
      {
        call: deps.call,
        store: deps.store,
        identity: () => identity,
        clock: () => deps.clock(),
        addToConversation: async (conversationId, keyPackage) =>
          (
            await deps.committer.commitChange(conversationId, async () => ({
              add: [keyPackage],
              removeDeviceIds: [],
            }))
          )?.seq ?? null,
        catchUp: (conversationId) => deps.catchUp(conversationId),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      code,
      { history },
    );
    deps.trust.forget(identity.address);
    return result;
  }

  async safetyNumber(address: string): Promise<string> {
    const me = this.deps.identity().address;
    const peer = await this.deps.lookup(address);
    const [mine, theirs] = await Promise.all([
      this.deps.trust.trustedKeys(me),
      this.deps.trust.trustedKeys(peer),
    ]);
    return safetyNumber({ address: me, devices: mine }, { address: peer, devices: theirs });
  }

  async list(): Promise<AccountDevice[]> {
    const current = this.deps.identity().deviceId;
    const listed = await listAllDevices(this.deps.call, "");
    return listed.devices
      .filter((d) => d.revokedAt === 0n)
      .map((d) => ({
        id: d.id,
        name: d.name,
        createdAt: Number(d.createdAt),
        lastSeenAt: Number(d.lastSeenAt),
        current: d.id === current,
        approvedBy: d.approvedBy,
      }));
  }

  async revoke(deviceId: string): Promise<{ conversations: number }> {
    const { deps } = this;
    // [DIR14] signed by this device, so the hub can prove the account asked.
    const me = deps.identity();
    const revokedAt = deps.clock();
    const signature = await signRevocation(me.signaturePrivateKey, {
      address: me.address,
      deviceId,
      revokerDeviceId: me.deviceId,
      revokedAt,
    });
    const { conversationIds } = await deps.call("revokeDevice", {
      deviceId,
      revokedAt: BigInt(revokedAt),
      signature,
    });
    deps.trust.forget(me.address);
    let removedFrom = 0;
    for (const id of conversationIds) {
      const local = await deps.store.getConversation(id);
      if (!local?.active) continue;
      try {
        await deps.catchUp(id);
        // Committed here, or already by whatever this device sent first (a
        // background delivered receipt too: every send commits pending removals, [DS9]).
        await deps.committer.commitPendingRemovals(id);
        removedFrom++;
      } catch (err) {
        // Another member commits it when it next sends ([DS9]); report and go on.
        deps.reportError(err, `revocation in ${id}`);
      }
    }
    return { conversations: removedFrom };
  }
}
