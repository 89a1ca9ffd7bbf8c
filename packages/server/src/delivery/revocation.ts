/**
 * Revoking a device of one's own account (SPEC DIR7): it can no longer log
 * in, its connections on every node are closed, and in every conversation it
 * is in the hub proposes its removal (RemovalProposals), so nothing new is
 * encrypted to it once a remaining member commits that.
 */
import { ProtocolError, deviceRevocationMessage, isDeviceId } from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import { verifyEd25519 } from "../directory/signatures.js";
import type { RevocationProof, Store } from "../store/port.js";
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
  async revoke(caller: Caller, deviceId: string, signed: SignedBy): Promise<string[]> {
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
      const proof = await this.checkSigned(caller, deviceId, signed);
      await this.store.revokeDevice(deviceId, this.clock(), proof);
    } else if (signed.signature.length > 0 && !(await this.store.getRevocation(deviceId))) {
      // [DIR15] Revoked by a move, before any device could sign: the new
      // device signs now, and only now are its removals proposed.
      await this.store.recordRevocationProof(deviceId, await this.checkSigned(caller, deviceId, signed));
    } else if (!(await this.store.getRevocation(deviceId))) {
      throw new ProtocolError("BAD_SIGNATURE", "a revocation must be signed by the revoking device");
    }
    return this.afterRevoked(deviceId);
  }

  /**
   * After an account moved to a new device (SPEC DIR10): the old device's
   * connections close on every node, and nothing is proposed yet in its
   * conversations. Members refuse a hub Remove that no device of the
   * account signed (DIR14), so the removals wait for the new device to sign
   * the old ones' revocations (DIR15: `revoke` of an already revoked device).
   * The old device cannot log in or fetch meanwhile.
   */
  afterMoved(deviceId: string): void {
    this.announcer.deviceRevoked(deviceId);
  }

  /**
   * What follows a signed revocation: the device's connections on every node
   * close, and its removal is proposed in each of its conversations.
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

  /**
   * [DIR14] The revoking device (the caller: another device of the account,
   * or the device itself) signs the revocation, so the hub cannot remove a
   * device of its own accord: members check this signature in the hub's
   * Remove proposals.
   */
  private async checkSigned(caller: Caller, deviceId: string, signed: SignedBy): Promise<RevocationProof> {
    if (signed.signature.length === 0)
      throw new ProtocolError("BAD_SIGNATURE", "a revocation must be signed by the revoking device");
    const now = this.clock();
    if (Math.abs(signed.revokedAt - now) > REVOCATION_CLOCK_SKEW_MS)
      throw new ProtocolError(
        "INVALID_ARGUMENT",
        "the revocation's time is more than 10 minutes from the hub's clock",
      );
    const revoker = await this.store.getDevice(caller.deviceId);
    if (!revoker) throw new ProtocolError("UNAUTHENTICATED", "unknown device");
    const message = deviceRevocationMessage({
      address: caller.address,
      deviceId,
      revokerDeviceId: caller.deviceId,
      revokedAt: signed.revokedAt,
    });
    if (!verifyEd25519(revoker.signatureKey, message, signed.signature))
      throw new ProtocolError("BAD_SIGNATURE", "the revocation is not this device's signature over it");
    return { revokerDeviceId: caller.deviceId, revokedAt: signed.revokedAt, signature: signed.signature };
  }
}

/** What the revoking device sends with its request. */
export interface SignedBy {
  revokedAt: number;
  signature: Uint8Array;
}

/** How far a revocation's signed time may be from the hub's clock (as for approvals, DIR5). */
export const REVOCATION_CLOCK_SKEW_MS = 10 * 60 * 1000;
