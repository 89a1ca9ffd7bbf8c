import { describe, expect, it } from "vitest";
import { create, DeviceSchema, type Device } from "@switchboard/protocol";
import { signApproval, verifyApprovalChain } from "../../src/devices/approval.js";
import { deviceIdFor, generateDeviceKeyPair } from "../../src/identity/deviceKeys.js";

const ADDRESS = "alice@instagram";

async function newKeys() {
  const keys = generateDeviceKeyPair();
  return { ...keys, id: await deviceIdFor(keys.publicKey) };
}

function device(
  id: string,
  signatureKey: Uint8Array,
  approval: { approvedBy?: string; approvedAt?: bigint; approval?: Uint8Array } = {},
): Device {
  return create(DeviceSchema, { id, signatureKey, ...approval });
}

/** First device, a second it approved, a third the second approved. */
async function chainOfThree() {
  const [a, b, c] = [await newKeys(), await newKeys(), await newKeys()];
  const approve = (approver: typeof a, approved: typeof a, at: number) =>
    device(approved.id, approved.publicKey, {
      approvedBy: approver.id,
      approvedAt: BigInt(at),
      approval: signApproval(approver.privateKey, {
        address: ADDRESS,
        deviceId: approved.id,
        signatureKey: approved.publicKey,
        approverDeviceId: approver.id,
        approvedAt: at,
      }),
    });
  const devices = [device(a.id, a.publicKey), approve(a, b, 1000), approve(b, c, 2000)];
  return { a, b, c, devices };
}

describe("[DIR5] approval chains", () => {
  it("lead from any approved device back to the account's first", async () => {
    const { a, c, devices } = await chainOfThree();
    const chain = verifyApprovalChain(ADDRESS, devices, c.id);
    expect(chain.ok && chain.root.id).toBe(a.id);
  });

  it("break on a forged signature, another account, a changed time or key, or a missing approver", async () => {
    const { a, c, devices } = await chainOfThree();
    const third = devices[2]!;
    const cases: Device[][] = [
      [devices[0]!, devices[1]!, { ...third, approval: new Uint8Array(64).fill(1) }],
      [devices[0]!, devices[1]!, { ...third, approvedAt: third.approvedAt + 1n }],
      [devices[0]!, devices[1]!, { ...third, signatureKey: a.publicKey }],
      [devices[0]!, third],
    ];
    for (const list of cases) expect(verifyApprovalChain(ADDRESS, list, c.id).ok).toBe(false);
    expect(verifyApprovalChain("alice@messenger", devices, c.id).ok).toBe(false);
    expect(verifyApprovalChain(ADDRESS, devices, "unknown").ok).toBe(false);
  });

  it("refuse a loop of devices approving each other", async () => {
    const { b, c, devices } = await chainOfThree();
    const loop = [
      { ...devices[1]!, approvedBy: c.id },
      { ...devices[2]!, approvedBy: b.id },
    ];
    expect(verifyApprovalChain(ADDRESS, loop, c.id).ok).toBe(false);
  });
});
