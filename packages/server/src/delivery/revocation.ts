/**
 * Revoking a device of one's own account (SPEC DIR7): it can no longer log
 * in, its connections on every node are closed, and in every conversation it
 * is in the hub proposes its removal (RemovalProposals), so nothing new is
 * encrypted to it once a remaining member commits that.
 */
import { ProtocolError, isDeviceId } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { Store } from "../store/port.js";
import type { Announcer } from "./announcer.js";
import type { RemovalProposals } from "./removalProposals.js";

export class Revocation {
  constructor(
    private readonly store: Store,
    private readonly announcer: Pick<Announcer, "deviceRevoked">,
    private readonly removals: RemovalProposals,
    private readonly clock: Clock,
    private readonly onError: (err: unknown, conversationId: string) => void,
  ) {}

  /**
   * Revoke `deviceId`; resolves to the conversations where its removal was
   * proposed now. Revoking it again proposes only what is missing (a hub that
   * stopped half-way finishes the job) and answers no conversations otherwise.
   */
  async revoke(caller: Caller, deviceId: string): Promise<string[]> {
    const device = isDeviceId(deviceId) ? await this.store.getDevice(deviceId) : undefined;
    if (!device || device.address !== caller.address)
      throw new ProtocolError("NOT_FOUND", `no device ${deviceId} in ${caller.address}`);
    if (device.revokedAt === null) {
      const active = await this.store.listDevices(caller.address);
      if (active.every((d) => d.id === deviceId))
        throw new ProtocolError(
          "LAST_DEVICE",
          `${deviceId} is the last device of ${caller.address}; link another before revoking it`,
        );
      await this.store.revokeDevice(deviceId, this.clock());
    }
    return this.afterRevoked(deviceId);
  }

  /**
   * What follows a revocation, however it came about (revoke above, or an
   * account moved to a new device, SPEC DIR10): the device's connections on
   * every node close, and its removal is proposed in each of its conversations.
   */
  async afterRevoked(deviceId: string): Promise<string[]> {
    // Every time, not only the first: a node that missed the first signal closes now.
    this.announcer.deviceRevoked(deviceId);
    const proposed: string[] = [];
    for (const conversation of await this.store.listConversations(deviceId)) {
      try {
        if ((await this.removals.propose(conversation.id)).includes(deviceId)) proposed.push(conversation.id);
      } catch (err) {
        // The next commit in the conversation proposes it again.
        this.onError(err, conversation.id);
      }
    }
    return proposed;
  }
}
