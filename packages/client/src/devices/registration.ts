/**
 * How this (new) profile becomes a device of an account: by registering it
 * as the account's first device (asking first for the verification code an
 * app that verifies addresses requires, SPEC DIR9, DIR10), or by linking it
 * to an existing account (linkThisDevice.ts, loaded when asked for). The
 * keys are made here and never leave. Either way the device is then taken
 * up the same way: stored, its account's first device pinned, key packages
 * published.
 */
import { ProtocolError, normaliseDisplayName, toHex } from "@switchboard/protocol";
import type { PendingDeviceLink } from "../clientTypes.js";
import { ClientError } from "../errors.js";
import { deviceIdFor, generateDeviceKeyPair, signChallenge } from "../identity/deviceKeys.js";
import type { RpcHandlers, RpcSession } from "../session/rpc.js";
import { formatServers, parseServers } from "../session/servers.js";
import type { LocalStore, LocalWrite, StoredIdentity } from "../store/port.js";
import { signMoveRevocations } from "./moveRevocations.js";
import type { DeviceTrust } from "./trust.js";

/** A device the hub just accepted, to be taken up: its identity, its account's first device, its session. */
interface NewDevice {
  identity: StoredIdentity;
  root: { id: string; signatureKey: Uint8Array };
  session: RpcSession;
  keyPackagesRemaining: number;
}

export interface RegistrationDeps {
  store: LocalStore;
  trust: DeviceTrust;
  /** A session with the first of `servers` that answers. */
  openAny(servers: string[], handlers: RpcHandlers): Promise<{ session: RpcSession; challenge: Uint8Array }>;
  clock: () => number;
  /** The client takes up the stored identity (protecting it first) and answers it. */
  takeUp(identity: StoredIdentity): Promise<StoredIdentity>;
  topUpKeyPackages(session: RpcSession, remaining: number): Promise<number>;
  reportError(error: unknown, context: string): void;
}

/** A session for one request before this profile has a device; nothing is pushed to it. */
const NO_HANDLERS: RpcHandlers = { onPush: () => {}, onClose: () => {} };

/**
 * Ask the hub to send a registration code for `address`; resolves to the
 * normalised address and when the code expires.
 */
export async function requestVerificationCode(
  deps: Pick<RegistrationDeps, "openAny">,
  server: string | string[],
  address: string,
): Promise<{ address: string; expiresAt: number }> {
  const { session } = await deps.openAny(parseServers(server), NO_HANDLERS);
  try {
    const result = await session.call("requestVerificationCode", { address });
    return { address: result.address, expiresAt: Number(result.expiresAt) };
  } finally {
    session.close();
  }
}

/**
 * Create the account and this device on `server`. With a verification code
 * for an address already registered, this moves the account to this device
 * and the hub revokes the old ones (SPEC DIR10).
 */
export async function registerThisDevice(
  deps: RegistrationDeps,
  server: string | string[],
  address: string,
  displayName: string,
  options: { verificationCode?: string },
): Promise<StoredIdentity> {
  const name = normaliseDisplayName(displayName);
  if (!name.ok) throw new ProtocolError("INVALID_ARGUMENT", `display name: ${name.reason}`);
  displayName = name.name;
  const keys = generateDeviceKeyPair();
  const deviceId = await deviceIdFor(keys.publicKey);
  const servers = parseServers(server);
  const { session, challenge } = await deps.openAny(servers, NO_HANDLERS);
  try {
    const result = await session.call("register", {
      address,
      displayName,
      signatureKey: keys.publicKey,
      signature: signChallenge(keys.privateKey, challenge),
      verificationCode: options.verificationCode ?? "",
    });
    const identity: StoredIdentity = {
      address: result.address,
      deviceId: result.deviceId,
      displayName: displayName || result.address,
      signaturePublicKey: keys.publicKey,
      signaturePrivateKey: keys.privateKey,
      server: formatServers(servers),
      createdAt: deps.clock(),
    };
    if (identity.deviceId !== deviceId)
      throw new ClientError("NOT_REGISTERED", "the server named this device wrongly");
    const became = await become(deps, {
      identity,
      // This account's first device: every later device's approval chain ends here.
      root: { id: identity.deviceId, signatureKey: identity.signaturePublicKey },
      session,
      keyPackagesRemaining: 0,
    });
    // [DIR15] A code may have moved the account here: sign the old phone's revocations.
    if (options.verificationCode)
      await signMoveRevocations((op, value) => session.call(op, value), identity, deps.clock).catch((err) =>
        deps.reportError(err, "account move"),
      );
    return became;
  } finally {
    session.close();
  }
}

/**
 * Start linking this profile as another device of an existing account; see
 * SwitchboardClient.beginLink.
 */
export async function beginLink(
  deps: RegistrationDeps,
  server: string | string[],
  deviceName: string,
): Promise<PendingDeviceLink> {
  // Linking is rare: its code comes in when asked for (WB16).
  const [{ beginDeviceLink }, { LINK_KEY_META }] = await Promise.all([
    import("./linkThisDevice.js"),
    import("./deviceInbox.js"),
  ]);
  return beginDeviceLink(
    {
      openAny: (servers, handlers) => deps.openAny(servers, handlers),
      clock: deps.clock,
      become: async ({ identity, linkKey, root, session, keyPackagesRemaining }) =>
        become(deps, { identity, root, session, keyPackagesRemaining }, [
          { kind: "setMeta", key: LINK_KEY_META, value: toHex(linkKey) },
        ]),
    },
    server,
    deviceName,
  );
}

/** Take up a device the hub accepted: store it (with `writes`), pin its root, publish key packages. */
async function become(
  deps: RegistrationDeps,
  device: NewDevice,
  writes: LocalWrite[] = [],
): Promise<StoredIdentity> {
  const { identity, root, session, keyPackagesRemaining } = device;
  await deps.store.write([{ kind: "identity", identity }, ...writes]);
  const taken = await deps.takeUp(identity);
  await deps.trust.pinRoot(identity.address, root.id, root.signatureKey);
  await deps.topUpKeyPackages(session, keyPackagesRemaining);
  return taken;
}
