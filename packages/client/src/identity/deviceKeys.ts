/**
 * A device's long-term key: Ed25519, generated on the device and never sent
 * anywhere. It signs the server's login challenge and is the device's MLS
 * signature key. Uses @noble/curves so the same code runs in Node and browsers.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { authChallengeMessage, deviceIdFromKeyDigest } from "@switchboard/protocol";
import { signEd25519 } from "./signer.js";

export interface DeviceKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function generateDeviceKeyPair(): DeviceKeyPair {
  const privateKey = ed25519.utils.randomSecretKey();
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

export async function deviceIdFor(publicKey: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", publicKey as Uint8Array<ArrayBuffer>);
  return deviceIdFromKeyDigest(new Uint8Array(digest));
}

export function signChallenge(privateKey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return ed25519.sign(authChallengeMessage(challenge), privateKey);
}

/** signChallenge for a key that may be a protected handle (identity/signer.ts). */
export function signChallengeWith(privateKey: Uint8Array, challenge: Uint8Array): Promise<Uint8Array> {
  return signEd25519(privateKey, authChallengeMessage(challenge));
}
