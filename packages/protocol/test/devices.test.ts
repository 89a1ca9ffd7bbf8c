import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  deviceApprovalMessage,
  linkCodeFromDigest,
  linkCodeInput,
  linkQrPayload,
  normalizeLinkCode,
  sealedDeviceMessageSignedBytes,
} from "../src/index.js";

const sha256 = (b: Uint8Array) => new Uint8Array(createHash("sha256").update(b).digest());
const key = (n: number) => new Uint8Array(32).fill(n);

describe("link codes", () => {
  it("are 10 base32 characters in two groups, and change with either key", () => {
    const code = linkCodeFromDigest(sha256(linkCodeInput(key(1), key(2))));
    expect(code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect(linkCodeFromDigest(sha256(linkCodeInput(key(1), key(3))))).not.toBe(code);
    expect(linkCodeFromDigest(sha256(linkCodeInput(key(3), key(2))))).not.toBe(code);
  });

  it("forgive case, spaces and dashes when typed, and refuse anything else", () => {
    expect(normalizeLinkCode(" 7k2qd mx4pa ")).toBe("7K2QD-MX4PA");
    expect(normalizeLinkCode("7K2QD-MX4PA")).toBe("7K2QD-MX4PA");
    expect(normalizeLinkCode("7K2QD-MX4P")).toBeUndefined();
    expect(normalizeLinkCode("7K2QD-MX4P1")).toBeUndefined();
  });

  it("carry both keys in the QR payload, base64url", () => {
    const payload = linkQrPayload({ code: "AAAAA-BBBBB", signatureKey: key(255), hpkePublicKey: key(0) });
    const [, , code, sig, hpke] = payload.split(":");
    expect(code).toBe("AAAAA-BBBBB");
    expect(Buffer.from(sig!, "base64url")).toEqual(Buffer.from(key(255)));
    expect(Buffer.from(hpke!, "base64url")).toEqual(Buffer.from(key(0)));
  });
});

describe("signed device messages", () => {
  const approval = {
    address: "alice@instagram",
    deviceId: "a".repeat(26),
    signatureKey: key(7),
    approverDeviceId: "b".repeat(26),
    approvedAt: 1_700_000_000_000,
  };

  it("bind every field of an approval", () => {
    const base = deviceApprovalMessage(approval);
    for (const change of [
      { address: "alice@messenger" },
      { deviceId: "c".repeat(26) },
      { signatureKey: key(8) },
      { approverDeviceId: "c".repeat(26) },
      { approvedAt: approval.approvedAt + 1 },
    ]) {
      expect(Buffer.from(deviceApprovalMessage({ ...approval, ...change }))).not.toEqual(Buffer.from(base));
    }
  });

  it("cannot be read as one another (distinct labels, length-prefixed fields)", () => {
    const sealed = sealedDeviceMessageSignedBytes({
      recipientDeviceId: "a",
      senderDeviceId: "b",
      enc: key(1),
      ciphertext: key(2),
    });
    const shifted = sealedDeviceMessageSignedBytes({
      recipientDeviceId: "ab",
      senderDeviceId: "",
      enc: key(1),
      ciphertext: key(2),
    });
    expect(Buffer.from(sealed)).not.toEqual(Buffer.from(shifted));
    expect(Buffer.from(deviceApprovalMessage(approval)).subarray(0, 20)).not.toEqual(
      Buffer.from(sealed).subarray(0, 20),
    );
  });
});
