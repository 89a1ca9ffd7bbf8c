/**
 * After a move to a new phone (SPEC DIR10, DIR15): the hub revoked every old
 * device of the account, but a hub Remove needs a revocation signed by the
 * account (DIR14). The new device signs one for each device the move
 * revoked, so members can remove the old phone from every conversation, and
 * nothing more is encrypted to it.
 */
import type { StoredIdentity } from "../store/port.js";
import type { Call } from "../session/call.js";
import { listAllDevices } from "../session/pages.js";
import { signRevocation } from "./revocation.js";

/** Signs the revocations of the devices revoked when this device registered; resolves to how many. */
export async function signMoveRevocations(
  call: Call,
  me: StoredIdentity,
  clock: () => number,
): Promise<number> {
  const listed = await listAllDevices(call, "");
  const self = listed.devices.find((d) => d.id === me.deviceId);
  if (!self) return 0;
  // The move revoked them in the same transaction that created this device.
  const moved = listed.devices.filter(
    (d) => d.id !== me.deviceId && d.revokedAt !== 0n && d.revokedAt >= self.createdAt,
  );
  for (const device of moved) {
    const revokedAt = clock();
    const signature = await signRevocation(me.signaturePrivateKey, {
      address: me.address,
      deviceId: device.id,
      revokerDeviceId: me.deviceId,
      revokedAt,
    });
    await call("revokeDevice", { deviceId: device.id, revokedAt: BigInt(revokedAt), signature });
  }
  return moved.length;
}
