/**
 * Keeps this device's one-time key packages topped up on the hub, plus one
 * last-resort package (RFC 9420 §16.8), so others can always add it; and
 * keeps the private halves it holds bounded (SPEC DIR13). Anyone who may
 * reach the account can claim its packages: without a cap, a script that
 * claims thousands would have the device generate and keep thousands of
 * private keys. So:
 * - the device never holds more than KEY_PACKAGE_CAP one-time private
 *   packages: it uploads only up to that, and the hub falls back to the
 *   last-resort package meanwhile;
 * - a package the hub no longer lists (ListKeyPackages) was claimed; a Welcome
 *   that consumes it deletes it at once (applier.ts), and one that no Welcome
 *   consumed within CLAIMED_GRACE_MS of this device first seeing it claimed is
 *   deleted here. The grace is counted from when the device saw it, not from
 *   the claim: a device that was offline for a week first syncs the Welcomes
 *   waiting in its inbox.
 */
import { LIMITS, toHex } from "@switchboard/protocol";
import type { DeviceIdentity, GroupEngine } from "./mls/engine.js";
import type { RpcSession } from "./session/rpc.js";
import type { LocalStore, LocalWrite, StoredKeyPackage } from "./store/port.js";

/** How many one-time packages the device keeps on the hub. */
export const KEY_PACKAGE_TARGET = 30;
/** Most one-time private packages the device keeps, claimed ones awaiting their Welcome included. */
export const KEY_PACKAGE_CAP = 200;
/** How long a claimed package waits for its Welcome once this device has seen it claimed. */
export const CLAIMED_GRACE_MS = 24 * 60 * 60_000;
/** Meta key: ref -> when this device first saw the hub no longer listing it (JSON). */
const CLAIMED_SINCE_META = "keyPackages.claimedSince";

interface TopUpDeps {
  store: LocalStore;
  engine: GroupEngine;
  identity: DeviceIdentity;
  clock: () => number;
}

/** One top-up at a time per store: a login and a KeyPackagesLow push may overlap, and together pass the cap. */
const running = new WeakMap<LocalStore, Promise<unknown>>();

export function topUpKeyPackages(deps: TopUpDeps, session: RpcSession, remaining: number): Promise<number> {
  const previous = running.get(deps.store) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => topUp(deps, session, remaining));
  running.set(deps.store, next);
  return next;
}

async function topUp(deps: TopUpDeps, session: RpcSession, remaining: number): Promise<number> {
  const counts = await deps.store.countKeyPackages();
  // The hub holds `remaining` unclaimed; if this device holds no more than
  // that, none of its packages await a Welcome and there is nothing to prune
  // (the usual login: no extra request).
  const held = counts.oneTime > remaining ? await pruneClaimed(deps, session) : counts.oneTime;
  const needLastResort = counts.lastResort === 0;
  if (remaining >= LIMITS.keyPackagesLowWater && !needLastResort) return remaining;
  const wanted = Math.max(0, Math.min(KEY_PACKAGE_TARGET - remaining, KEY_PACKAGE_CAP - held));
  if (wanted === 0 && !needLastResort) return remaining;
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

/**
 * Delete the one-time private packages claimed more than the grace period
 * ago (by this device's reckoning) whose Welcome never came; resolves to how
 * many one-time private packages the device still holds.
 */
async function pruneClaimed(deps: TopUpDeps, session: RpcSession): Promise<number> {
  const oneTime = (await deps.store.listKeyPackages()).filter((k) => !k.lastResort);
  if (oneTime.length === 0) return 0;
  // Listed after reading the local packages: one uploaded in between is listed, not taken for claimed.
  const unclaimed = new Set((await session.call("listKeyPackages", {})).refs.map(toHex));
  const since = parseClaimedSince(await deps.store.getMeta(CLAIMED_SINCE_META));
  const now = deps.clock();
  const kept: Record<string, number> = {};
  const writes: LocalWrite[] = [];
  for (const { ref } of oneTime) {
    if (unclaimed.has(ref)) continue;
    const seen = since[ref] ?? now;
    if (now - seen >= CLAIMED_GRACE_MS) writes.push({ kind: "deleteKeyPackage", ref });
    else kept[ref] = seen;
  }
  writes.push({ kind: "setMeta", key: CLAIMED_SINCE_META, value: JSON.stringify(kept) });
  await deps.store.write(writes);
  return oneTime.length - (writes.length - 1);
}

function parseClaimedSince(text: string | undefined): Record<string, number> {
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}
