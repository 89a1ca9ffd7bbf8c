/**
 * Ed25519 signing by a device's long-term key, which in the browser is not
 * kept as bytes. `protectSigningKey` imports the seed once into a
 * non-extractable WebCrypto key, wipes the seed, and hands back a *handle*:
 * 32 random bytes that stand in for the seed wherever the SDK carries the
 * private key (DeviceIdentity.signaturePrivateKey). Signing through
 * `signEd25519` or the WebCrypto MLS provider looks the handle up; the key's
 * bytes cannot be read back, so a heap dump of the page holds no seed.
 *
 * In Node nothing is protected and signEd25519 signs with the seed itself.
 * A handle is only meaningful in the JS realm that made it.
 */
import { ed25519 } from "@noble/curves/ed25519.js";

const HANDLE_BYTES = 32;
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

// One entry per identity opened in this page: a handful at most.
const handles = new Map<string, CryptoKey>();

function handleKey(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** The non-extractable signing key behind a handle, if `privateKey` is one. */
export function signingKeyOf(privateKey: Uint8Array): CryptoKey | undefined {
  return privateKey.length === HANDLE_BYTES ? handles.get(handleKey(privateKey)) : undefined;
}

/**
 * Import a 32-byte Ed25519 seed as a non-extractable CryptoKey, zero the
 * seed in place, and return the handle that now stands for it.
 */
export async function protectSigningKey(seed: Uint8Array): Promise<Uint8Array> {
  if (seed.length !== 32) throw new RangeError(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32);
  pkcs8.set(PKCS8_PREFIX);
  pkcs8.set(seed, PKCS8_PREFIX.length);
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  } finally {
    pkcs8.fill(0);
  }
  seed.fill(0);
  const handle = globalThis.crypto.getRandomValues(new Uint8Array(HANDLE_BYTES));
  handles.set(handleKey(handle), key);
  return handle;
}

/** Sign with a seed, or with the protected key behind a handle. */
export async function signEd25519(privateKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const key = signingKeyOf(privateKey);
  if (key === undefined) return ed25519.sign(message, privateKey);
  return new Uint8Array(
    await globalThis.crypto.subtle.sign("Ed25519", key, message as Uint8Array<ArrayBuffer>),
  );
}
