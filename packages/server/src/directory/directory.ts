/**
 * The directory: accounts, devices, authentication and key packages.
 * Pure domain logic over the Store port; the gateway calls it with decoded,
 * typed requests and maps its ProtocolErrors onto the wire.
 */
import {
  LIMITS,
  ProtocolError,
  authChallengeMessage,
  isDeviceId,
  normaliseDisplayName,
} from "@switchboard/protocol";
import type { Caller, Clock } from "../caller.js";
import type { AccountRecord, ClaimedKeyPackage, DeviceRecord, PageRequest, Store } from "../store/port.js";
import { inspectKeyPackage } from "../mls/inspect.js";
import { keyPackageRef } from "../mls/keyPackageRef.js";
import type { AppRegistry } from "./apps.js";
import { closedAppError, mayReach } from "./policy.js";
import { deviceIdOf, isEd25519PublicKey, verifyEd25519 } from "./signatures.js";
import type { VerificationCodes } from "./verificationCodes.js";
import type { Announcer } from "../delivery/announcer.js";
import { equalBytes } from "@switchboard/protocol";

export interface RegisterInput {
  address: string;
  displayName: string;
  signatureKey: Uint8Array;
  signature: Uint8Array;
  verificationCode: string;
}

/** What a lookup tells: the account exists, is reachable, and its normalised address. */
export interface AccountView {
  address: string;
}

export class Directory {
  constructor(
    private readonly store: Store,
    private readonly apps: AppRegistry,
    private readonly clock: Clock,
    private readonly codes: VerificationCodes,
    private readonly announcer: Pick<Announcer, "keyPackagesLow">,
    /** Told which devices a re-registration revoked, to close them and propose their removal. */
    private readonly onDevicesRevoked: (deviceIds: string[]) => Promise<void> = async () => {},
  ) {}

  /** Send a registration code for `target` through its app's Verifier (SPEC DIR9). */
  async requestVerificationCode(target: string): Promise<{ address: string; expiresAt: number }> {
    const { address, app } = this.apps.resolve(target);
    const { expiresAt } = await this.codes.request(address, app);
    return { address, expiresAt };
  }

  /**
   * Create an account and its first device; the signature over the challenge
   * proves key possession. On an app that verifies handles, a valid code for
   * an address already taken moves the account to this device (SPEC DIR10):
   * proving the phone number or email again is how a person moves to a new
   * phone, so the old devices are revoked.
   */
  async register(challenge: Uint8Array, input: RegisterInput): Promise<Caller> {
    const { address, app } = this.apps.resolve(input.address);
    const name = normaliseDisplayName(input.displayName);
    if (!name.ok) throw new ProtocolError("INVALID_ARGUMENT", `display name: ${name.reason}`);
    if (!isEd25519PublicKey(input.signatureKey))
      throw new ProtocolError("INVALID_ARGUMENT", "signature key must be a 32-byte Ed25519 key");
    if (!verifyEd25519(input.signatureKey, authChallengeMessage(challenge), input.signature)) {
      throw new ProtocolError("BAD_SIGNATURE", "the challenge signature does not verify");
    }
    const verified = app.verification !== "none";
    if (verified) {
      if (input.verificationCode === "")
        throw new ProtocolError("VERIFICATION_REQUIRED", `${app.displayName} needs a verification code`);
      await this.codes.check(address, input.verificationCode);
    }
    const now = this.clock();
    const deviceId = deviceIdOf(input.signatureKey);
    const device = { id: deviceId, signatureKey: input.signatureKey, createdAt: now };
    const result = await this.store.createAccount(
      { address, app: app.id, displayName: name.name || address, createdAt: now },
      device,
    );
    if (result === "address_taken" && verified) {
      const moved = await this.store.moveAccount(address, device, now);
      if (moved.kind === "device_taken")
        throw new ProtocolError("ALREADY_EXISTS", "this device key is already registered");
      if (moved.kind === "unknown_account") throw new ProtocolError("NOT_FOUND", `no account ${address}`);
      await this.onDevicesRevoked(moved.revoked);
      return { deviceId, address, app: app.id };
    }
    if (result === "address_taken")
      throw new ProtocolError("ALREADY_EXISTS", `${address} is already registered`);
    if (result === "device_taken")
      throw new ProtocolError("ALREADY_EXISTS", "this device key is already registered");
    return { deviceId, address, app: app.id };
  }

  /** Prove a registered, unrevoked device holds its key. */
  async authenticate(challenge: Uint8Array, deviceId: string, signature: Uint8Array): Promise<Caller> {
    const device = await this.store.getDevice(deviceId);
    // One answer for unknown and forged: do not tell a prober which it was.
    if (!device || !verifyEd25519(device.signatureKey, authChallengeMessage(challenge), signature)) {
      throw new ProtocolError("BAD_SIGNATURE", "device authentication failed");
    }
    // Only the device itself learns it was revoked (it proved it holds the key).
    if (device.revokedAt !== null)
      throw new ProtocolError("DEVICE_REVOKED", "this device was revoked from its account; link it again");
    const account = await this.store.getAccount(device.address);
    if (!account) throw new ProtocolError("BAD_SIGNATURE", "device authentication failed");
    // Last-seen is a courtesy, not worth an fsync on the login path: not awaited.
    this.store.touchDevice(deviceId, this.clock()).catch(() => {});
    return { deviceId, address: account.address, app: account.app };
  }

  async keyPackagesRemaining(caller: Caller): Promise<number> {
    return this.store.countKeyPackages(caller.deviceId);
  }

  /**
   * The KeyPackageRefs of the caller's one-time packages the hub still holds
   * unclaimed, so the SDK can tell which of its private packages were handed
   * out, and prune those no Welcome consumed (ARCHITECTURE: key packages).
   */
  async unclaimedKeyPackageRefs(caller: Caller): Promise<Uint8Array[]> {
    return (await this.store.listKeyPackages(caller.deviceId)).map(keyPackageRef);
  }

  /** Accept key packages only for the uploading device's own credential and key. */
  async uploadKeyPackages(
    caller: Caller,
    oneTime: Uint8Array[],
    lastResort: Uint8Array | null,
  ): Promise<number> {
    if (oneTime.length > LIMITS.maxKeyPackagesPerUpload) {
      throw new ProtocolError(
        "TOO_LARGE",
        `at most ${LIMITS.maxKeyPackagesPerUpload} key packages per upload`,
      );
    }
    const device = await this.store.getDevice(caller.deviceId);
    if (!device) throw new ProtocolError("UNAUTHENTICATED", "unknown device");
    const all = lastResort ? [...oneTime, lastResort] : oneTime;
    for (const kp of all) {
      if (kp.length > LIMITS.maxKeyPackageBytes)
        throw new ProtocolError("TOO_LARGE", "a key package is too large");
      const facts = inspectKeyPackage(kp);
      if (!facts.ok) throw new ProtocolError("INVALID_ARGUMENT", facts.reason);
      const { identity, signatureKey } = facts.value;
      if (
        identity.deviceId !== caller.deviceId ||
        identity.address !== caller.address ||
        !equalBytes(signatureKey, device.signatureKey)
      ) {
        throw new ProtocolError(
          "FORBIDDEN",
          "a key package must carry the uploading device's own credential and key",
        );
      }
    }
    const held = await this.store.countKeyPackages(caller.deviceId);
    if (held + oneTime.length > LIMITS.maxKeyPackagesPerDevice) {
      throw new ProtocolError(
        "TOO_LARGE",
        `a device holds at most ${LIMITS.maxKeyPackagesPerDevice} key packages`,
      );
    }
    return this.store.addKeyPackages(caller.deviceId, oneTime, lastResort);
  }

  /**
   * One key package for every device of `target` (or only for `onlyDevices`),
   * if the target's app lets the caller's app reach it. For the whole account,
   * nothing to claim is NO_KEY_PACKAGE; for named devices it is an empty
   * answer (a newly linked device may not have published yet: ask again).
   */
  async claimKeyPackages(
    caller: Caller,
    target: string,
    onlyDevices: readonly string[] = [],
  ): Promise<{ address: string; claimed: ClaimedKeyPackage[] }> {
    if (onlyDevices.length > LIMITS.maxDevicesPerAccount)
      throw new ProtocolError("TOO_LARGE", `at most ${LIMITS.maxDevicesPerAccount} device ids per claim`);
    if (!onlyDevices.every(isDeviceId))
      throw new ProtocolError("INVALID_ARGUMENT", "device ids are 26 lower-case base32 characters");
    const { address, app } = this.apps.resolve(target);
    if (!mayReach(caller.app, app)) throw closedAppError(app);
    const account = await this.store.getAccount(address);
    if (!account) throw new ProtocolError("NOT_FOUND", `no account ${address}`);
    const named = onlyDevices.length > 0;
    // [PP7] toward an account that blocked the caller, nothing is claimed, and
    // the answer is the one for an account with no device ready to be added.
    const blocked = await this.store.hasBlocked(address, caller.address);
    const claimed = blocked
      ? []
      : await this.store.claimKeyPackages(address, named ? [...new Set(onlyDevices)] : undefined);
    if (claimed.length === 0 && !named)
      throw new ProtocolError("NO_KEY_PACKAGE", `${address} has no device ready to be added`);
    for (const { deviceId } of claimed) {
      const remaining = await this.store.countKeyPackages(deviceId);
      if (remaining < LIMITS.keyPackagesLowWater) this.announcer.keyPackagesLow(deviceId, remaining);
    }
    return { address, claimed };
  }

  /**
   * Whether `target` exists and the caller may reach it, under its normalised
   * address: what starting a conversation needs, and nothing more (SPEC
   * DIR12). No display name, creation time or devices: those would let a
   * stranger profile accounts one lookup at a time. Display names travel end
   * to end inside conversations; device keys come with claimed key packages.
   */
  async lookupAccount(caller: Caller, target: string): Promise<AccountView> {
    const { address } = await this.visibleAccount(caller, target);
    return { address };
  }

  /**
   * An account's devices, revoked ones included, with their approvals, so
   * clients can check each device's chain back to the account's first
   * (SPEC DIR5). "" is the caller's own account.
   */
  async listDevices(
    caller: Caller,
    target: string,
    page?: PageRequest,
  ): Promise<{ address: string; devices: DeviceRecord[] }> {
    if (page && page.afterId !== "" && !isDeviceId(page.afterId))
      throw new ProtocolError("INVALID_ARGUMENT", "after_id is not a device id");
    const address = target === "" ? caller.address : await this.deviceListAddress(caller, target);
    return {
      address,
      devices: await this.store.listDevices(address, { includeRevoked: true, ...(page ? { page } : {}) }),
    };
  }

  /**
   * [PP1] Whose devices the caller may list: anyone it may reach, and anyone
   * it already shares a conversation with, a closed app's user included (that
   * user wrote first, and its devices must be checked to read it).
   */
  private async deviceListAddress(caller: Caller, target: string): Promise<string> {
    const { address, app } = this.apps.resolve(target);
    if (!mayReach(caller.app, app) && (await this.store.sharesConversation(caller.address, address)))
      return address;
    return (await this.visibleAccount(caller, target)).address;
  }

  /**
   * An account the caller may see. A closed app is refused before the
   * account is looked up (PP1): the answer depends on the app alone, so it
   * does not tell whether the account exists.
   */
  private async visibleAccount(
    caller: Caller,
    target: string,
  ): Promise<{ address: string; account: AccountRecord }> {
    const { address, app } = this.apps.resolve(target);
    if (!mayReach(caller.app, app)) throw closedAppError(app);
    const account = await this.store.getAccount(address);
    if (!account) throw new ProtocolError("NOT_FOUND", `no account ${address}`);
    return { address, account };
  }
}
