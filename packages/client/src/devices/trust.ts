/**
 * Which devices this device trusts to be members of its groups: those whose
 * approval chain leads back to the first device of their account, where that
 * first device is the one seen the first time (trust on first use, pinned in
 * the LocalStore; for this device's own account, pinned when it registered or
 * was linked). A hub that adds a device by itself, forges an approval or
 * swaps an account's first device is refused here.
 *
 * The MLS engine asks `verify` for every leaf it accepts (RFC 9420 §5.3.1);
 * the Committer asks `trustedDevices` before it claims key packages.
 */
import { toHex } from "@switchboard/protocol";
import type { Call } from "../session/call.js";
import type { LocalStore } from "../store/port.js";
import { verifyApprovalChain } from "./approval.js";
import { isSignedRevocation } from "./revocation.js";
import { chooseRoot, rootPin, type Rooted } from "./rootChoice.js";
import { listAllDevices } from "../session/pages.js";

interface Known {
  /**
   * Approved device id -> signature key hex, revoked devices included: an old
   * commit that added a since-revoked device must still process (its removal
   * is a later commit).
   */
  keys: Map<string, string>;
  /** The approved devices that are not revoked: the ones to add to groups. */
  active: Set<string>;
}

const ROOT_PIN = (address: string) => `trust.root.${address}`;

export class DeviceTrust {
  private readonly known = new Map<string, Known>();
  private deps: { call: Call; store: LocalStore } | undefined;

  /** Refusals, for the SDK's error events. */
  onRefused: (address: string, deviceId: string, reason: string) => void = () => {};
  /** An account moved to a new first device (DIR15): its safety number changed. */
  onMoved: (address: string) => void = () => {};

  bind(deps: { call: Call; store: LocalStore }): void {
    this.deps = deps;
  }

  /** Pin an account's first device (this device's own account, when registering or linking). */
  async pinRoot(address: string, rootDeviceId: string, rootKey: Uint8Array): Promise<void> {
    const store = this.requireDeps().store;
    await store.write([
      { kind: "setMeta", key: ROOT_PIN(address), value: `${rootDeviceId}:${toHex(rootKey)}` },
    ]);
  }

  /** For the engine: is this (address, device, key) a trusted device? */
  readonly verify = async (member: {
    address: string;
    deviceId: string;
    signaturePublicKey: Uint8Array;
  }): Promise<boolean> => {
    const key = toHex(member.signaturePublicKey);
    const cached = this.known.get(member.address);
    if (cached?.keys.get(member.deviceId) === key) return true;
    // Unknown here (or a key we did not know): ask the hub for the account's devices again.
    const fresh = await this.refresh(member.address);
    const ok = fresh.keys.get(member.deviceId) === key;
    if (!ok) this.onRefused(member.address, member.deviceId, "not an approved device of the account");
    return ok;
  };

  /**
   * [DIR14] For the engine: does a hub Remove of `removed` carry its account's
   * signed revocation? The signer must be an active approved device of the
   * account, or the removed device itself. Always from a fresh listing: the
   * revocation is news.
   */
  readonly verifyRemoval = async (input: {
    removed: { address: string; deviceId: string };
    authenticatedData: Uint8Array;
  }): Promise<boolean> => {
    const { removed } = input;
    const known = await this.refresh(removed.address);
    const ok = await isSignedRevocation(removed, input.authenticatedData, async (id, self) =>
      self || known.active.has(id) ? known.keys.get(id) : undefined,
    );
    if (!ok)
      this.onRefused(
        removed.address,
        removed.deviceId,
        "the hub's removal carries no revocation signed by the account",
      );
    return ok;
  };

  /** The trusted active devices of an account, from a fresh listing. */
  async trustedDevices(address: string): Promise<Set<string>> {
    return new Set((await this.refresh(address)).active);
  }

  /** The trusted active devices of an account with their keys (hex), from a fresh listing. */
  async trustedKeys(address: string): Promise<Map<string, string>> {
    const known = await this.refresh(address);
    return new Map([...known.keys].filter(([id]) => known.active.has(id)));
  }

  /** Forget cached listings (after a revocation, say). */
  forget(address: string): void {
    this.known.delete(address);
  }

  private async refresh(address: string): Promise<Known> {
    const { call, store } = this.requireDeps();
    const listed = await listAllDevices(call, address);
    const devices = listed.devices;
    const rooted: Rooted[] = [];
    for (const device of devices) {
      const chain = verifyApprovalChain(address, devices, device.id);
      if (chain.ok) rooted.push({ device, root: chain.root });
      else this.onRefused(address, device.id, chain.reason);
    }
    const pinned = await store.getMeta(ROOT_PIN(address));
    const choice = chooseRoot(pinned, rooted);
    const keys = new Map<string, string>();
    const active = new Set<string>();
    for (const { device, root } of rooted) {
      if (!choice.accepted.has(rootPin(root))) {
        this.onRefused(address, device.id, "the account's first device is not the one seen before");
        continue;
      }
      keys.set(device.id, toHex(device.signatureKey));
      if (device.revokedAt === 0n) active.add(device.id);
    }
    if (choice.pin !== undefined) {
      await store.write([{ kind: "setMeta", key: ROOT_PIN(address), value: choice.pin }]);
      if (choice.moved) this.onMoved(address);
    }
    const known: Known = { keys, active };
    this.known.set(address, known);
    return known;
  }

  private requireDeps() {
    if (!this.deps) throw new Error("DeviceTrust used before the client bound it");
    return this.deps;
  }
}
