/**
 * A device's MLS credential: a basic credential (RFC 9420 §5.3) whose
 * identity is the UTF-8 of "<address>/<deviceId>". The address is
 * "handle@app" and an email handle may itself contain "/", so the device id is
 * what follows the LAST "/". Nothing else is accepted: every member of every
 * group must be attributable to one device of one account.
 */
import {
  credentialIdentityProblem,
  decodeCredentialIdentity,
  encodeCredentialIdentity,
} from "@switchboard/protocol";
import type { AuthenticationService, Credential } from "ts-mls";

export interface DeviceRef {
  address: string;
  deviceId: string;
}

/** What the SDK may check against the directory (the device's registered key). */
export type MemberVerifier = (
  member: DeviceRef & { signaturePublicKey: Uint8Array },
) => boolean | Promise<boolean>;

const ED25519_PUBLIC_KEY_BYTES = 32;

/** Why `address`/`deviceId` cannot be a credential, or undefined when they can. */
export const deviceRefProblem = credentialIdentityProblem;

export function encodeIdentity(address: string, deviceId: string): Uint8Array {
  return encodeCredentialIdentity({ address, deviceId });
}

export function parseIdentity(identity: Uint8Array): DeviceRef | undefined {
  return decodeCredentialIdentity(identity);
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
