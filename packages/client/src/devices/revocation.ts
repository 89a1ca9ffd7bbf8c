/**
 * [DIR14] Revocations are signed by the account: the revoking device (another
 * of the account's devices, or the revoked device itself) signs
 * deviceRevocationMessage, the hub checks and keeps it, and its MLS Remove
 * proposal carries it as authenticated_data. Members keep a hub Remove only
 * when that signature verifies with the key of a device the account approved
 * (DeviceTrust, approval chains back to the first device), so the hub cannot
 * remove anyone of its own accord.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { ed25519 } from "@noble/curves/ed25519.js";
import { SignedRevocationSchema, deviceRevocationMessage, fromHex } from "@switchboard/protocol";
import { signEd25519 } from "../identity/signer.js";
import type { DeviceRef } from "../mls/credential.js";

export interface RevocationInput {
  address: string;
  deviceId: string;
  revokerDeviceId: string;
  revokedAt: number;
}

/** Through the SDK's signer: in the browser the private key is a handle to a non-extractable key. */
export function signRevocation(revokerPrivateKey: Uint8Array, input: RevocationInput): Promise<Uint8Array> {
  return signEd25519(revokerPrivateKey, deviceRevocationMessage(input));
}

/**
 * Whether `authenticatedData` (a hub Remove's) is the revocation of
 * `removed`, signed by a device whose key `keyOf` gives: an active approved
 * device of the account, or the removed device itself (which revoked itself).
 */
export async function isSignedRevocation(
  removed: DeviceRef,
  authenticatedData: Uint8Array,
  keyOf: (deviceId: string, self: boolean) => Promise<string | undefined>,
): Promise<boolean> {
  let revocation;
  try {
    revocation = fromBinary(SignedRevocationSchema, authenticatedData);
  } catch {
    return false;
  }
  if (revocation.address !== removed.address || revocation.deviceId !== removed.deviceId) return false;
  const key = await keyOf(revocation.revokerDeviceId, revocation.revokerDeviceId === removed.deviceId);
  if (key === undefined) return false;
  const message = deviceRevocationMessage({
    address: revocation.address,
    deviceId: revocation.deviceId,
    revokerDeviceId: revocation.revokerDeviceId,
    revokedAt: Number(revocation.revokedAt),
  });
  try {
    return ed25519.verify(revocation.signature, message, fromHex(key));
  } catch {
    return false;
  }
}
