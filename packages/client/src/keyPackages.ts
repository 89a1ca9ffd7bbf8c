/**
 * Keeps this device's one-time key packages topped up on the hub, plus one
 * last-resort package (RFC 9420 §16.8), so others can always add it.
 */
import { LIMITS } from "@switchboard/protocol";
import type { DeviceIdentity, GroupEngine } from "./mls/engine.js";
import type { RpcSession } from "./session/rpc.js";
import type { LocalStore, StoredKeyPackage } from "./store/port.js";

/** How many one-time packages the device keeps on the hub. */
export const KEY_PACKAGE_TARGET = 30;

export async function topUpKeyPackages(
  deps: { store: LocalStore; engine: GroupEngine; identity: DeviceIdentity; clock: () => number },
  session: RpcSession,
  remaining: number,
): Promise<number> {
  const counts = await deps.store.countKeyPackages();
  const needLastResort = counts.lastResort === 0;
  if (remaining >= LIMITS.keyPackagesLowWater && !needLastResort) return remaining;
  const wanted = Math.max(0, KEY_PACKAGE_TARGET - remaining);
  const fresh: StoredKeyPackage[] = [];
  for (let i = 0; i < wanted; i++) {
    const kp = await deps.engine.generateKeyPackage(deps.identity);
    fresh.push({ ...kp, lastResort: false, createdAt: deps.clock() });
  }
  let lastResort: StoredKeyPackage | undefined;
  if (needLastResort) {
    const kp = await deps.engine.generateKeyPackage(deps.identity, { lastResort: true });
    lastResort = { ...kp, lastResort: true, createdAt: deps.clock() };
  }
  // Private halves are stored before the public ones are published, so a
  // Welcome can never name a package this device has forgotten.
  await deps.store.write([
    { kind: "putKeyPackages", keyPackages: lastResort ? [...fresh, lastResort] : fresh },
  ]);
  const result = await session.call("uploadKeyPackages", {
    keyPackages: fresh.map((k) => k.publicMessage),
    lastResort: lastResort?.publicMessage ?? new Uint8Array(),
  });
  return result.remaining;
}
