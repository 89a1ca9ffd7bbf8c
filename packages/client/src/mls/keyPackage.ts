/**
 * This device's KeyPackages (RFC 9420 §10): its credential, its own Ed25519
 * key as the signature key, fresh HPKE init and leaf keys.
 */
import { defaultCapabilities, encodeMlsMessage, generateKeyPackageWithKey } from "ts-mls";
import type { CiphersuiteImpl, Extension, KeyPackage, PrivateKeyPackage } from "ts-mls";
import { makeKeyPackageRef } from "./tsMlsInternals.js";
import { equalBytes, toHex } from "@switchboard/protocol";
import { deviceCredential, deviceRefProblem } from "./credential.js";
import type { DeviceIdentity } from "./engine.js";
import { MlsEngineError } from "./errors.js";
import { OWN_GROUP_EXTENSIONS } from "./groupExtensions.js";

/** IANA MLS Extension Types: last_resort (draft-ietf-mls-extensions), a KeyPackage extension with no data. */
export const LAST_RESORT_EXTENSION = 0x000a;

/**
 * Long enough for a package to wait on the server between top-ups, short
 * enough that a stolen init key does not stay useful (RFC 9420 §16.8). The
 * SDK replaces packages well before this.
 */
const LIFETIME_SECONDS = 90n * 24n * 3600n;
// Tolerate a peer's clock running behind ours (RFC 9420 §7.3 lifetime check).
const CLOCK_SKEW_SECONDS = 3600n;

/**
 * Checks an identity before it signs anything: its credential parses and its
 * seed matches its public key. The key check costs a signature, so a passed
 * (public key, seed digest) pair is remembered; callers build a fresh
 * identity object per call. Asked on every message, so the pair is kept and
 * compared as bytes, without building a hex string of each per call.
 */
export class IdentityCheck {
  // Most recently passed last; a device usually has one identity.
  readonly #passed: { publicKey: Uint8Array; seedDigest: Uint8Array }[] = [];
  // Device refs already found well-formed: a pure check of two strings, asked on every message.
  readonly #wellFormed = new Set<string>();

  constructor(readonly cs: CiphersuiteImpl) {}

  async check(identity: DeviceIdentity): Promise<void> {
    const ref = `${identity.address}/${identity.deviceId}`;
    if (!this.#wellFormed.has(ref)) {
      const problem = deviceRefProblem(identity.address, identity.deviceId);
      if (problem !== undefined) throw new MlsEngineError("MLS_INVALID_CREDENTIAL", problem);
      if (this.#wellFormed.size >= 64) this.#wellFormed.clear();
      this.#wellFormed.add(ref);
    }
    const publicKey = identity.signaturePublicKey;
    if (publicKey.length !== 32 || identity.signaturePrivateKey.length !== 32) {
      throw new MlsEngineError(
        "MLS_INVALID_CREDENTIAL",
        "an Ed25519 identity has a 32-byte public key and a 32-byte seed",
      );
    }
    const seedDigest = await this.cs.hash.digest(identity.signaturePrivateKey);
    for (let i = this.#passed.length - 1; i >= 0; i--) {
      const passed = this.#passed[i]!;
      if (equalBytes(passed.publicKey, publicKey) && equalBytes(passed.seedDigest, seedDigest)) return;
    }
    // Sign-then-verify works with any provider (a browser has no node:crypto to derive the public key).
    const probe = new TextEncoder().encode("switchboard identity self-check");
    const signature = await this.cs.signature.sign(identity.signaturePrivateKey, probe);
    if (!(await this.cs.signature.verify(publicKey, probe, signature))) {
      throw new MlsEngineError(
        "MLS_INVALID_CREDENTIAL",
        "the identity's private key does not match its public key",
      );
    }
    if (this.#passed.length >= 64) this.#passed.shift();
    // A copy: the caller may reuse or wipe its array.
    this.#passed.push({ publicKey: publicKey.slice(), seedDigest });
  }
}

export interface OwnKeyPackage {
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
}

export async function makeKeyPackage(
  identity: DeviceIdentity,
  cs: CiphersuiteImpl,
  lastResort = false,
): Promise<OwnKeyPackage> {
  const capabilities = defaultCapabilities();
  // Advertise what we put in the package (RFC 9420 §7.2: extensions used must be supported).
  // Our GroupContext extensions too: ts-mls refuses to add a leaf that does not list them (§12.1.7).
  capabilities.extensions = [...capabilities.extensions, LAST_RESORT_EXTENSION, ...OWN_GROUP_EXTENSIONS];
  const now = BigInt(Math.floor(Date.now() / 1000));
  const lifetime = { notBefore: now - CLOCK_SKEW_SECONDS, notAfter: now + LIFETIME_SECONDS };
  const extensions: Extension[] = lastResort
    ? [{ extensionType: LAST_RESORT_EXTENSION, extensionData: new Uint8Array(0) }]
    : [];
  return generateKeyPackageWithKey(
    deviceCredential(identity.address, identity.deviceId),
    capabilities,
    lifetime,
    extensions,
    { signKey: identity.signaturePrivateKey, publicKey: identity.signaturePublicKey },
    cs,
  );
}

export function encodeKeyPackageMessage(keyPackage: KeyPackage): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage });
}

export async function keyPackageRefHex(keyPackage: KeyPackage, cs: CiphersuiteImpl): Promise<string> {
  return toHex(await makeKeyPackageRef(keyPackage, cs.hash));
}
