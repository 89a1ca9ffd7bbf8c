/**
 * A device's MLS credential: a basic credential (RFC 9420 §5.3) whose
 * identity is the UTF-8 of "<address>/<deviceId>". The address is
 * "handle@app" and an email handle may itself contain "/", so the device id is
 * what follows the LAST "/". Nothing else is accepted: every member of every
 * group must be attributable to one device of one account.
 */
import { formatAddress, splitAddress } from "@switchboard/protocol";
import type { AuthenticationService, Credential } from "ts-mls";

export interface DeviceRef {
  address: string;
  deviceId: string;
}

/** What the SDK may check against the directory (the device's registered key). */
export type MemberVerifier = (
  member: DeviceRef & { signaturePublicKey: Uint8Array },
) => boolean | Promise<boolean>;

const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_IDENTITY_BYTES = 256;
const ED25519_PUBLIC_KEY_BYTES = 32;

/** Why `address`/`deviceId` cannot be a credential, or undefined when they can. */
export function deviceRefProblem(address: string, deviceId: string): string | undefined {
  if (!DEVICE_ID.test(deviceId)) return `"${deviceId}" is not a device id (1-64 of A-Z a-z 0-9 _ -)`;
  const split = splitAddress(address);
  if (!split.ok) return `"${address}" is not an address: ${split.reason}`;
  // Only the canonical spelling: the same device must always have the same identity bytes.
  if (formatAddress(split.address) !== address) return `"${address}" is not in canonical form`;
  return undefined;
}

export function encodeIdentity(address: string, deviceId: string): Uint8Array {
  const problem = deviceRefProblem(address, deviceId);
  if (problem !== undefined) throw new RangeError(problem);
  const bytes = new TextEncoder().encode(`${address}/${deviceId}`);
  if (bytes.length > MAX_IDENTITY_BYTES)
    throw new RangeError(`credential identity is over ${MAX_IDENTITY_BYTES} bytes`);
  return bytes;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function parseIdentity(identity: Uint8Array): DeviceRef | undefined {
  if (identity.length === 0 || identity.length > MAX_IDENTITY_BYTES) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(identity);
  } catch {
    return undefined;
  }
  const slash = text.lastIndexOf("/");
  if (slash <= 0) return undefined;
  const address = text.slice(0, slash);
  const deviceId = text.slice(slash + 1);
  return deviceRefProblem(address, deviceId) === undefined ? { address, deviceId } : undefined;
}

export function deviceCredential(address: string, deviceId: string): Credential {
  return { credentialType: "basic", identity: encodeIdentity(address, deviceId) };
}

export function parseCredential(credential: Credential): DeviceRef | undefined {
  return credential.credentialType === "basic" ? parseIdentity(credential.identity) : undefined;
}

/**
 * RFC 9420 §5.3.1: the Authentication Service vouches for the binding of a
 * credential to a signature key. ts-mls asks it for every leaf it accepts
 * (key packages, commit paths, trees in Welcomes and GroupInfos). We refuse
 * anything that is not a well-formed device credential with an Ed25519 key,
 * then let the SDK check the key against the directory if it wants to.
 */
export function deviceAuthenticationService(verify?: MemberVerifier): AuthenticationService {
  return {
    async validateCredential(credential, signaturePublicKey) {
      const device = parseCredential(credential);
      if (device === undefined || signaturePublicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
      return verify === undefined ? true : await verify({ ...device, signaturePublicKey });
    },
  };
}
