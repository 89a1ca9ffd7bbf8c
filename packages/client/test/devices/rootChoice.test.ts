import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { DeviceSchema, type Device } from "@switchboard/protocol";
import { chooseRoot, rootPin, type Rooted } from "../../src/devices/rootChoice.js";

const device = (id: string, createdAt: number, revokedAt = 0): Device =>
  create(DeviceSchema, {
    id,
    signatureKey: new Uint8Array(32).fill(id.charCodeAt(0)),
    createdAt: BigInt(createdAt),
    revokedAt: BigInt(revokedAt),
  });
const rooted = (d: Device, root: Device): Rooted => ({ device: d, root });

describe("which first device of an account to trust (DIR15)", () => {
  const oldRoot = device("a", 10, 100);
  const oldLaptop = device("b", 20, 100);
  const newRoot = device("n", 100);

  it("pins the only root with active devices on first use, and none when two roots are active", () => {
    const first = chooseRoot(undefined, [rooted(oldRoot, oldRoot), rooted(newRoot, newRoot)]);
    expect(first).toEqual({ accepted: new Set([rootPin(newRoot)]), pin: rootPin(newRoot), moved: false });
    const other = device("x", 5);
    expect(chooseRoot(undefined, [rooted(newRoot, newRoot), rooted(other, other)]).accepted.size).toBe(0);
  });

  it("accepts a new root after every old device was revoked no later than its creation", () => {
    const choice = chooseRoot(rootPin(oldRoot), [
      rooted(oldRoot, oldRoot),
      rooted(oldLaptop, oldRoot),
      rooted(newRoot, newRoot),
    ]);
    expect(choice).toEqual({
      accepted: new Set([rootPin(oldRoot), rootPin(newRoot)]),
      pin: rootPin(newRoot),
      moved: true,
    });
  });

  it("refuses a new root while an old device is still active (a hub swapping roots)", () => {
    const stillActive = device("b", 20);
    const choice = chooseRoot(rootPin(oldRoot), [
      rooted(oldRoot, oldRoot),
      rooted(stillActive, oldRoot),
      rooted(newRoot, newRoot),
    ]);
    expect(choice).toEqual({ accepted: new Set([rootPin(oldRoot)]), pin: undefined, moved: false });
  });

  it("refuses a new root created before the old devices were revoked", () => {
    const early = device("e", 50);
    const choice = chooseRoot(rootPin(oldRoot), [rooted(oldRoot, oldRoot), rooted(early, early)]);
    expect(choice.moved).toBe(false);
    expect(choice.accepted).toEqual(new Set([rootPin(oldRoot)]));
  });

  it("refuses a new root with the same id but another key than the pinned one", () => {
    const forged = create(DeviceSchema, {
      ...oldRoot,
      signatureKey: new Uint8Array(32).fill(9),
      revokedAt: 0n,
    });
    const choice = chooseRoot(rootPin(oldRoot), [rooted(forged, forged)]);
    expect(choice.accepted).toEqual(new Set([rootPin(oldRoot)]));
    expect(choice.moved).toBe(false);
  });
});
