/**
 * Which first device ("root") of an account this device trusts, given the
 * one pinned on first use and a fresh listing (SPEC DIR15).
 *
 * A root other than the pinned one is refused, except after a move to a new
 * phone (DIR10): every device under the pinned root is revoked, and the new
 * root was created at or after the last of those revocations. That is the
 * only way a person who lost every device gets their account back, so the
 * SDK accepts it, re-pins, and tells the app the safety number changed (as
 * Signal does when a contact reinstalls). A hub that swaps roots while an
 * old device is still active is refused as before.
 */
import { toHex, type Device } from "@switchboard/protocol";

/** A device whose approval chain verified, with the root it leads to. */
export interface Rooted {
  device: Device;
  root: Device;
}

export interface RootChoice {
  /** The roots whose devices are trusted: the pinned one, and the new one after a move. */
  accepted: Set<string>;
  /** The pin to store when it differs from the one given (first use, or a move). */
  pin: string | undefined;
  /** True when the account moved to a new root since it was pinned. */
  moved: boolean;
}

export function rootPin(root: Device): string {
  return `${root.id}:${toHex(root.signatureKey)}`;
}

export function chooseRoot(pinned: string | undefined, rooted: Rooted[]): RootChoice {
  const groups = new Map<string, { root: Device; devices: Device[] }>();
  for (const { device, root } of rooted) {
    const pin = rootPin(root);
    const group = groups.get(pin) ?? { root, devices: [] };
    group.devices.push(device);
    groups.set(pin, group);
  }
  const live = [...groups.entries()].filter(([, g]) => g.devices.some((d) => d.revokedAt === 0n));
  if (pinned === undefined) {
    // First use: the root with active devices; a listing with several is ambiguous, so trust none.
    const first =
      live.length === 1
        ? live[0]![0]
        : live.length === 0 && groups.size === 1
          ? [...groups.keys()][0]
          : undefined;
    return { accepted: new Set(first === undefined ? [] : [first]), pin: first, moved: false };
  }
  const old = groups.get(pinned);
  const current = live.length === 1 ? live[0] : undefined;
  if (!old || !current || current[0] === pinned)
    return { accepted: new Set([pinned]), pin: undefined, moved: false };
  const lastRevocation = old.devices.reduce((max, d) => (d.revokedAt > max ? d.revokedAt : max), 0n);
  const allRevoked = old.devices.every((d) => d.revokedAt !== 0n);
  if (!allRevoked || current[1].root.createdAt < lastRevocation)
    return { accepted: new Set([pinned]), pin: undefined, moved: false };
  return { accepted: new Set([pinned, current[0]]), pin: current[0], moved: true };
}
