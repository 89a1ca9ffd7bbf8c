/**
 * [DIR14] Revocations are signed by the account, through the real gateway:
 * the hub refuses an unsigned or forged one with BAD_SIGNATURE and revokes
 * nothing, keeps the signature, and its MLS Remove proposal carries it as
 * authenticated_data for members to check.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { decodeMlsMessage } from "ts-mls";
import { afterEach, describe, expect, it } from "vitest";
import { SignedRevocationSchema, deviceRevocationMessage } from "@switchboard/protocol";
import { verifyEd25519 } from "../../src/directory/signatures.js";
import { newKeys } from "../gateway/rawClient.js";
import { WireDevice, linkDevice, revokeOp } from "../devices/support.js";
import { commitOp, groupOf, mlsOf, startMembershipHub, type MembershipHub } from "./support.js";

const ALICE = "alice@instagram";
let hub: MembershipHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

describe("[DIR14] signed revocations", () => {
  it("[DIR14] an unsigned, forged or stale revocation is refused and revokes nothing", async () => {
    hub = await startMembershipHub();
    const alice = await WireDevice.register(hub.url, ALICE);
    const phone = await linkDevice(hub.url, alice, "phone");
    const unsigned = await alice.error({ case: "revokeDevice", value: { deviceId: phone.deviceId } });
    expect(unsigned.code).toBe("BAD_SIGNATURE");
    const forged = await alice.error(revokeOp(alice, phone.deviceId, { signer: newKeys().privateKey }));
    expect(forged.code).toBe("BAD_SIGNATURE");
    // Signed for another device than the one named.
    const other = revokeOp(alice, alice.deviceId);
    if (other.case !== "revokeDevice") throw new Error("unexpected op");
    const swapped = await alice.error({ ...other, value: { ...other.value, deviceId: phone.deviceId } });
    expect(swapped.code).toBe("BAD_SIGNATURE");
    const stale = await alice.error(
      revokeOp(alice, phone.deviceId, { revokedAt: hub.clock.now - 3_600_000 }),
    );
    expect(stale.code).toBe("INVALID_ARGUMENT");
    expect((await hub.store.getDevice(phone.deviceId))?.revokedAt).toBeNull();
    expect(await hub.store.getRevocation(phone.deviceId)).toBeUndefined();
  });

  it("[DIR14] the hub keeps the signature and its Remove proposal carries it in authenticated_data", async () => {
    hub = await startMembershipHub();
    const alice = await WireDevice.register(hub.url, ALICE);
    const phone = await linkDevice(hub.url, alice, "phone");
    const bob = await WireDevice.register(hub.url, "bob@instagram");
    const group = await groupOf(alice);
    const added = await group.mls.commit([await mlsOf(phone).keyPackage(), await mlsOf(bob).keyPackage()]);
    await alice.ok("commit", commitOp(group.conversationId, added));

    const revokedAt = hub.clock.now;
    await alice.ok("revokeDevice", revokeOp(alice, phone.deviceId, { revokedAt }));
    const kept = await hub.store.getRevocation(phone.deviceId);
    expect(kept).toMatchObject({ revokerDeviceId: alice.deviceId, revokedAt });

    const [proposal] = (await hub.store.readLog(group.conversationId, 0, 10)).filter(
      (e) => e.kind === "proposal",
    );
    const message = decodeMlsMessage(proposal!.payload, 0)![0];
    if (message.wireformat !== "mls_public_message") throw new Error("not a PublicMessage");
    const carried = fromBinary(SignedRevocationSchema, message.publicMessage.content.authenticatedData);
    expect(carried).toMatchObject({
      address: ALICE,
      deviceId: phone.deviceId,
      revokerDeviceId: alice.deviceId,
      revokedAt: BigInt(revokedAt),
    });
    const signed = deviceRevocationMessage({
      address: ALICE,
      deviceId: phone.deviceId,
      revokerDeviceId: alice.deviceId,
      revokedAt,
    });
    expect(verifyEd25519(alice.keys.publicKey, signed, carried.signature)).toBe(true);
  });
});
