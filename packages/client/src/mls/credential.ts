/**
 * A device's MLS credential: a basic credential (RFC 9420 §5.3) whose
 * identity is the UTF-8 of "<address>/<deviceId>". The address is
 * "handle@app" and an email handle may itself contain "/", so the device id is
 * what follows the LAST "/". Every member of every group must be attributable
 * to one device of one account.
 *
 * The one other credential is the hub's, as the groups' external sender
 * (RFC 9420 §12.1.8.1): a basic credential with identity HUB_CREDENTIAL_IDENTITY.
 * It never names a member: parseCredential does not parse it.
 */
import {
  HUB_CREDENTIAL_IDENTITY,
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

/**
 * [DIR14] Whether a hub Remove of `removed` carries, as its authenticated_data,
 * a revocation the device's own account signed (the SDK passes
 * DeviceTrust.verifyRemoval). Without one the proposal is refused.
 */
export type RemovalVerifier = (input: {
  removed: DeviceRef;
  authenticatedData: Uint8Array;
}) => boolean | Promise<boolean>;

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

/** The device a member credential names; undefined for anything else, the hub's credential included. */
export function parseCredential(credential: Credential): DeviceRef | undefined {
  return credential.credentialType === "basic" ? parseIdentity(credential.identity) : undefined;
}

const HUB_IDENTITY_BYTES = new TextEncoder().encode(HUB_CREDENTIAL_IDENTITY);

export function hubCredential(): Credential {
  return { credentialType: "basic", identity: HUB_IDENTITY_BYTES.slice() };
}

export function isHubCredential(credential: Credential): boolean {
  return (
    credential.credentialType === "basic" &&
    credential.identity.length === HUB_IDENTITY_BYTES.length &&
    credential.identity.every((byte, i) => byte === HUB_IDENTITY_BYTES[i])
  );
}

/**
 * RFC 9420 §5.3.1: the Authentication Service vouches for the binding of a
 * credential to a signature key. ts-mls asks it for every leaf it accepts
 * (key packages, commit paths, trees in Welcomes and GroupInfos) and for the
 * external senders of a new group (and of GroupContextExtensions proposals,
 * which we refuse anyway). We accept a well-formed device credential with an
 * Ed25519 key, which the SDK may then check against the directory, and the
 * hub's credential with an Ed25519 key, which the directory does not hold.
 *
 * ts-mls asks with the same two arguments for leaves and external senders, so
 * a LEAF with the hub's credential gets past this; it is refused where leaves
 * are read (parseCredential in members.ts, incoming.ts, join.ts, tsMlsEngine.ts).
 */
export function deviceAuthenticationService(verify?: MemberVerifier): AuthenticationService {
  return {
    async validateCredential(credential, signaturePublicKey) {
      if (signaturePublicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
      if (isHubCredential(credential)) return true;
      const device = parseCredential(credential);
      if (device === undefined) return false;
      return verify === undefined ? true : await verify({ ...device, signaturePublicKey });
    },
  };
}
