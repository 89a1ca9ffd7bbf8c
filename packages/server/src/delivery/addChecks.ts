/**
 * [DS7] [DS14] Who a commit may bring into a group. The hub is trusted to
 * route, not to decide membership (DESIGN: security stance), so every device
 * a commit adds, or that joins by external commit, must be a registered,
 * unrevoked device of the account its credential names, signing with the key
 * the directory holds for it. A key package a member made itself with a
 * stranger's credential and its own key is refused here, before anything is
 * stored. Then the target's app must accept contact from the adder's app
 * (DIR4), and the `mayAdd` hook must agree (blocks plug in there).
 */
import { ProtocolError, toHex } from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import type { AppRegistry } from "../directory/apps.js";
import { closedAppError, mayReach } from "../directory/policy.js";
import type { AddedLeaf } from "../mls/inspect.js";
import type { DeviceRecord, Store } from "../store/port.js";

/**
 * Whether `adder` may put `target` (an account) into a group. The hook blocks
 * will use ("target has blocked adder"); resolves to a reason to refuse, or
 * undefined to allow. Called once per added account, adds within the adder's
 * own account included.
 */
export type MayAdd = (adder: Caller, target: string) => Promise<string | undefined> | string | undefined;

/** Nobody is blocked yet. */
export const allowAllAdds: MayAdd = () => undefined;

/** The refusal for the first added leaf that is not the directory's device, or undefined. */
export function unregisteredLeaf(
  leaf: AddedLeaf,
  device: DeviceRecord | undefined,
): ProtocolError | undefined {
  if (!device || device.address !== leaf.address) {
    return new ProtocolError(
      "INVALID_ARGUMENT",
      `the commit adds ${leaf.address}/${leaf.deviceId}, which is not a registered device of that account`,
    );
  }
  if (device.revokedAt !== null) {
    return new ProtocolError(
      "FORBIDDEN",
      `the commit adds ${leaf.address}/${leaf.deviceId}, which is revoked`,
    );
  }
  if (toHex(device.signatureKey) !== toHex(leaf.signatureKey)) {
    return new ProtocolError(
      "FORBIDDEN",
      `the commit adds ${leaf.address}/${leaf.deviceId} with a key that is not the device's registered key`,
    );
  }
  return undefined;
}

/**
 * Check every added leaf against the directory's devices (`devices`, by id),
 * then reach policy and `mayAdd` once per added account other than the
 * adder's own. Throws the first refusal.
 */
export async function requireAddsAllowed(input: {
  adder: Caller;
  leaves: readonly AddedLeaf[];
  devices: ReadonlyMap<string, DeviceRecord>;
  apps: AppRegistry;
  mayAdd: MayAdd;
}): Promise<void> {
  const accounts = new Set<string>();
  for (const leaf of input.leaves) {
    const refusal = unregisteredLeaf(leaf, input.devices.get(leaf.deviceId));
    if (refusal) throw refusal;
    accounts.add(leaf.address);
  }
  for (const address of accounts) {
    const target = input.apps.resolve(address);
    if (!mayReach(input.adder.app, target.app)) throw closedAppError(target.app);
    const refused = await input.mayAdd(input.adder, address);
    if (refused !== undefined) throw new ProtocolError("FORBIDDEN", refused);
  }
}

/** The directory's records of these devices (revoked ones included; unknown ones left out). */
export async function directoryDevices(
  store: Store,
  deviceIds: string[],
): Promise<Map<string, DeviceRecord>> {
  const out = new Map<string, DeviceRecord>();
  for (const id of new Set(deviceIds)) {
    const device = await store.getDevice(id);
    if (device) out.set(id, device);
  }
  return out;
}
