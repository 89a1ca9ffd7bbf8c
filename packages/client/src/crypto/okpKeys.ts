/**
 * Raw 32-byte X25519 / Ed25519 keys to node KeyObjects and back.
 *
 * Why JWK and not DER: in Node 20 (OpenSSL 3.0) importing a PKCS#8 private key
 * costs ~330 µs and an SPKI public key ~65 µs (OpenSSL's generic decoder);
 * the same keys as JWK take ~30 µs and ~5 µs, and exporting `x` as JWK ~1 µs
 * against ~65 µs for SPKI. HPKE imports a private key for every path secret
 * it derives, so this is most of the cost of a commit (measured, bench/mls.ts).
 *
 * A private JWK must carry `x`, which Node does not use: the key is built from
 * `d` alone. We rely on that only after checking it once against the RFC test
 * vectors (RFC 7748 §6.1, RFC 8032 §7.1); if a Node version ever behaves
 * otherwise, we fall back to DER. The base64url copy of `d` is a short-lived
 * string that cannot be wiped; the same key lives in ts-mls's state anyway.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { asBuffer, concatBytes, plain } from "./plainBytes.js";

export type OkpCurve = "X25519" | "Ed25519";

const PKCS8_PREFIX: Record<OkpCurve, Uint8Array> = {
  X25519: Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
  ]),
  Ed25519: Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
  ]),
};

const KNOWN: Record<OkpCurve, { secret: string; public: string }> = {
  X25519: {
    secret: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    public: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
  },
  Ed25519: {
    secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
  },
};

const PLACEHOLDER_X = "A".repeat(43); // 32 zero bytes, base64url

const b64url = (bytes: Uint8Array): string => asBuffer(bytes).toString("base64url");

function viaJwk(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: "OKP", crv: curve, d: b64url(raw), x: PLACEHOLDER_X },
    format: "jwk",
  });
}

function viaDer(curve: OkpCurve, raw: Uint8Array): KeyObject {
  const der = concatBytes(PKCS8_PREFIX[curve], raw);
  try {
    return createPrivateKey({ key: asBuffer(der), format: "der", type: "pkcs8" });
  } finally {
    der.fill(0);
  }
}

const jwkWorks = new Map<OkpCurve, boolean>();

function jwkImportIsSound(curve: OkpCurve): boolean {
  let sound = jwkWorks.get(curve);
  if (sound === undefined) {
    try {
      const key = viaJwk(curve, new Uint8Array(Buffer.from(KNOWN[curve].secret, "hex")));
      sound = Buffer.from(rawPublicKey(createPublicKey(key))).toString("hex") === KNOWN[curve].public;
    } catch {
      sound = false;
    }
    jwkWorks.set(curve, sound);
  }
  return sound;
}

export function privateKeyFromRaw(curve: OkpCurve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${curve} private key must be 32 bytes, got ${raw.length}`);
  return jwkImportIsSound(curve) ? viaJwk(curve, raw) : viaDer(curve, raw);
}

export function publicKeyFromRaw(curve: OkpCurve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`${curve} public key must be 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: "OKP", crv: curve, x: b64url(raw) }, format: "jwk" });
}

/** The raw public key of a public or private KeyObject. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const { x } = key.export({ format: "jwk" });
  if (typeof x !== "string") throw new TypeError("not an OKP key");
  return plain(Buffer.from(x, "base64url"));
}

/** The raw private key (seed) of a private KeyObject. */
export function rawPrivateKey(key: KeyObject): Uint8Array {
  const { d } = key.export({ format: "jwk" });
  if (typeof d !== "string") throw new TypeError("not an OKP private key");
  return plain(Buffer.from(d, "base64url"));
}
