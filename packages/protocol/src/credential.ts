/**
 * The identity inside a device's MLS basic credential (RFC 9420 §5.3):
 * UTF-8 of "<address>/<deviceId>". The device id has no "/", so the split is
 * at the last one. Both the hub (checking uploads and commits) and the SDK
 * (showing who sent what) read it.
 */
import { isDeviceId } from "./ids.js";

export interface CredentialIdentity {
  address: string;
  deviceId: string;
}

export function encodeCredentialIdentity(identity: CredentialIdentity): Uint8Array {
  return new TextEncoder().encode(`${identity.address}/${identity.deviceId}`);
}

export function decodeCredentialIdentity(bytes: Uint8Array): CredentialIdentity | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const slash = text.lastIndexOf("/");
  if (slash <= 0) return undefined;
  const address = text.slice(0, slash);
  const deviceId = text.slice(slash + 1);
  if (!isDeviceId(deviceId) || !address.includes("@")) return undefined;
  return { address, deviceId };
}
