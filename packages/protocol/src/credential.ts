/**
 * The identity inside a device's MLS basic credential (RFC 9420 §5.3):
 * UTF-8 of "<address>/<deviceId>". The address is "handle@app" and an email
 * handle may itself contain "/", so the device id is what follows the LAST
 * "/". Only the canonical spelling is accepted, so the same device always has
 * the same identity bytes. Both the hub (checking uploads and commits) and the
 * SDK (showing who sent what) read it here.
 */
import { formatAddress, splitAddress } from "./address.js";

export interface CredentialIdentity {
  address: string;
  deviceId: string;
}

const DEVICE_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_CREDENTIAL_IDENTITY_BYTES = 256;

/** Why `address`/`deviceId` cannot be a credential identity, or undefined when they can. */
export function credentialIdentityProblem(address: string, deviceId: string): string | undefined {
  if (!DEVICE_ID.test(deviceId)) return `"${deviceId}" is not a device id (1-64 of A-Z a-z 0-9 _ -)`;
  const split = splitAddress(address);
  if (!split.ok) return `"${address}" is not an address: ${split.reason}`;
  if (formatAddress(split.address) !== address) return `"${address}" is not in canonical form`;
  return undefined;
}

/** Throws RangeError when the pair cannot be a credential identity. */
export function encodeCredentialIdentity(identity: CredentialIdentity): Uint8Array {
  const problem = credentialIdentityProblem(identity.address, identity.deviceId);
  if (problem !== undefined) throw new RangeError(problem);
  const bytes = new TextEncoder().encode(`${identity.address}/${identity.deviceId}`);
  if (bytes.length > MAX_CREDENTIAL_IDENTITY_BYTES) {
    throw new RangeError(`credential identity is over ${MAX_CREDENTIAL_IDENTITY_BYTES} bytes`);
  }
  return bytes;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeCredentialIdentity(bytes: Uint8Array): CredentialIdentity | undefined {
  if (bytes.length === 0 || bytes.length > MAX_CREDENTIAL_IDENTITY_BYTES) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  const slash = text.lastIndexOf("/");
  if (slash <= 0) return undefined;
  const address = text.slice(0, slash);
  const deviceId = text.slice(slash + 1);
  return credentialIdentityProblem(address, deviceId) === undefined ? { address, deviceId } : undefined;
}
