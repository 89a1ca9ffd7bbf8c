/**
 * What the devices of one account sign for each other, so that the hub (which
 * stores and relays it) cannot forge it:
 *
 * - a device approval: an existing device vouches for a new one. Every client
 *   checks a device's chain of approvals back to the account's first device
 *   before it lets that device into a group, so the hub alone cannot add a
 *   device to an account.
 * - a sealed device message: bytes sealed (HPKE) to one device by another of
 *   the same account, signed by the sender, so the hub cannot inject any.
 * - a link code: short, derived from the new device's keys, so the approving
 *   device can tell that the hub handed it the keys the new device showed.
 *
 * Each signed message starts with its own label (the idea of RFC 9420 §5.1.2
 * SignWithLabel), so no signature can be replayed as another kind. Pure: the
 * caller hashes and signs.
 */
import { base32 } from "./ids.js";

const encoder = new TextEncoder();

/** u32 length + bytes, so no two field lists encode alike. */
function concatFields(label: string, fields: Uint8Array[], tail?: bigint): Uint8Array {
  const head = encoder.encode(label);
  let size = head.length + (tail === undefined ? 0 : 8);
  for (const f of fields) size += 4 + f.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(head, 0);
  let at = head.length;
  for (const f of fields) {
    view.setUint32(at, f.length);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  if (tail !== undefined) view.setBigUint64(at, tail);
  return out;
}

export interface DeviceApproval {
  /** The account, "handle@app". */
  address: string;
  /** The approved (new) device and its Ed25519 key. */
  deviceId: string;
  signatureKey: Uint8Array;
  /** The approving device, which signs. */
  approverDeviceId: string;
  /** Milliseconds since the Unix epoch. */
  approvedAt: number;
}

/** The bytes an approving device signs with its Ed25519 key. */
export function deviceApprovalMessage(a: DeviceApproval): Uint8Array {
  return concatFields(
    "switchboard v1 device approval\0",
    [
      encoder.encode(a.address),
      encoder.encode(a.deviceId),
      a.signatureKey,
      encoder.encode(a.approverDeviceId),
    ],
    BigInt(a.approvedAt),
  );
}

export interface DeviceRevocation {
  /** The account, "handle@app". */
  address: string;
  /** The revoked device. */
  deviceId: string;
  /** The device that revokes it and signs: another device of the account, or the device itself. */
  revokerDeviceId: string;
  /** Milliseconds since the Unix epoch. */
  revokedAt: number;
}

/**
 * The bytes a revoking device signs with its Ed25519 key (SPEC DIR14). The
 * hub's Remove proposal carries them, signed, in its authenticated_data, so
 * members remove a device only when its own account asked.
 */
export function deviceRevocationMessage(r: DeviceRevocation): Uint8Array {
  return concatFields(
    "switchboard v1 device revocation\0",
    [encoder.encode(r.address), encoder.encode(r.deviceId), encoder.encode(r.revokerDeviceId)],
    BigInt(r.revokedAt),
  );
}

/** The bytes the sender of a SealedDeviceMessage signs. */
export function sealedDeviceMessageSignedBytes(m: {
  recipientDeviceId: string;
  senderDeviceId: string;
  enc: Uint8Array;
  ciphertext: Uint8Array;
}): Uint8Array {
  return concatFields("switchboard v1 sealed device message\0", [
    encoder.encode(m.recipientDeviceId),
    encoder.encode(m.senderDeviceId),
    m.enc,
    m.ciphertext,
  ]);
}

/** HPKE `info` for sealing to a device (RFC 9180 §5.1). */
export const DEVICE_SEAL_INFO = encoder.encode("switchboard v1 device seal");

/** What is hashed (SHA-256) to make a link code. */
export function linkCodeInput(signatureKey: Uint8Array, hpkePublicKey: Uint8Array): Uint8Array {
  return concatFields("switchboard v1 link code\0", [signatureKey, hpkePublicKey]);
}

/**
 * 10 base32 characters (50 bits) of SHA-256(linkCodeInput), shown as
 * "XXXXX-XXXXX". Finding other keys with the same code within the link's
 * lifetime (10 minutes) takes about 2^50 hashes.
 */
export function linkCodeFromDigest(sha256Digest: Uint8Array): string {
  if (sha256Digest.length !== 32) throw new RangeError("expected a 32-byte SHA-256 digest");
  const code = base32(sha256Digest.subarray(0, 7)).slice(0, 10).toUpperCase();
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The canonical spelling of a typed code (case, spaces and dashes forgiven), or undefined. */
export function normalizeLinkCode(typed: string): string | undefined {
  const bare = typed.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z2-7]{10}$/.test(bare)) return undefined;
  return `${bare.slice(0, 5)}-${bare.slice(5)}`;
}

/** The QR code's text: the code and both keys, so a scan needs no trust in the hub at all. */
export function linkQrPayload(link: {
  code: string;
  signatureKey: Uint8Array;
  hpkePublicKey: Uint8Array;
}): string {
  return `switchboard-link:v1:${link.code}:${base64url(link.signatureKey)}:${base64url(link.hpkePublicKey)}`;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** RFC 4648 §5 base64url without padding (no Buffer: this package also runs in browsers). */
function base64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += B64URL[(n >>> (18 - 6 * c)) & 63];
  }
  return out;
}

/**
 * The hub's credential as an MLS external sender: a basic credential with
 * this identity. It cannot be mistaken for a device's ("<address>/<deviceId>").
 */
export const HUB_CREDENTIAL_IDENTITY = "switchboard:hub";

/** WebSocket close code the hub uses when it closes a revoked device's connection. */
export const CLOSE_DEVICE_REVOKED = 4003;

/**
 * WebSocket close code the hub uses when a connection read nothing of what it
 * was sent for too long (its send budget stayed full): too slow to serve.
 * Best effort, since the close frame queues behind what it did not read.
 */
export const CLOSE_TOO_SLOW = 4008;

/** How long a pending link waits for approval. */
export const LINK_LIFETIME_MS = 10 * 60 * 1000;

/** Devices per account when an app's configuration does not say. */
export const DEFAULT_MAX_DEVICES = 5;
