/**
 * Device approvals: an existing device of an account signs for a new one
 * (protocol/devices.ts deviceApprovalMessage). A device is trusted when its
 * chain of approvals leads back to the account's first device. The hub
 * stores and hands out the chain but holds no key that could extend it, so
 * it cannot add a device to an account on its own.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { deviceApprovalMessage, type Device } from "@switchboard/protocol";
import { signEd25519 } from "../identity/signer.js";

export interface ApprovalInput {
  address: string;
  deviceId: string;
  signatureKey: Uint8Array;
  approverDeviceId: string;
  approvedAt: number;
}

export function signApproval(approverPrivateKey: Uint8Array, input: ApprovalInput): Uint8Array {
  return ed25519.sign(deviceApprovalMessage(input), approverPrivateKey);
}

/** signApproval for a key that may be a protected handle (identity/signer.ts). */
export function signApprovalWith(approverPrivateKey: Uint8Array, input: ApprovalInput): Promise<Uint8Array> {
  return signEd25519(approverPrivateKey, deviceApprovalMessage(input));
}

export type ChainResult = { ok: true; root: Device } | { ok: false; reason: string };

/**
 * Walk `deviceId`'s approvals back to a device with no approver (the
 * account's first), checking each signature with the approver's key. Revoked
 * approvers still count: what they signed before revocation stays valid.
 */
export function verifyApprovalChain(address: string, devices: Device[], deviceId: string): ChainResult {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const seen = new Set<string>();
  let current = byId.get(deviceId);
  if (!current) return { ok: false, reason: `device ${deviceId} is not listed for ${address}` };
  for (;;) {
    if (seen.has(current.id)) return { ok: false, reason: `approval loop at ${current.id}` };
    seen.add(current.id);
    if (current.approvedBy === "") return { ok: true, root: current };
    const approver = byId.get(current.approvedBy);
    if (!approver) return { ok: false, reason: `approver ${current.approvedBy} of ${current.id} is unknown` };
    const message = deviceApprovalMessage({
      address,
      deviceId: current.id,
      signatureKey: current.signatureKey,
      approverDeviceId: approver.id,
      approvedAt: Number(current.approvedAt),
    });
    let valid = false;
    try {
      valid = ed25519.verify(current.approval, message, approver.signatureKey);
    } catch {
      valid = false;
    }
    if (!valid)
      return { ok: false, reason: `the approval of ${current.id} by ${approver.id} does not verify` };
    current = approver;
  }
}
