/** Key packages: a device learns it is running low and tops up; the last-resort package keeps it reachable. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LIMITS } from "@switchboard/protocol";
import { signChallenge } from "../../src/identity/deviceKeys.js";
import { KEY_PACKAGE_TARGET } from "../../src/keyPackages.js";
import { RpcSession } from "../../src/session/rpc.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { eventually, newDevice, startTestHub, type TestHub } from "./harness.js";

describe("key packages", () => {
  let hub: TestHub;
  beforeEach(async () => {
    // These tests drain key packages on purpose, faster than the claim limits allow ([EG4]).
    const plenty = { burst: 1000, perMinute: 1000 };
    hub = await startTestHub({ rateLimits: { limits: { claimPerTarget: plenty, claimPerClaimer: plenty } } });
  });
  afterEach(async () => {
    await hub.close();
  });

  it("a device told it is running low tops up; an offline one is still reachable through its last-resort package", async () => {
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    expect(await hub.store.countKeyPackages(bob.client.deviceId)).toBe(KEY_PACKAGE_TARGET);
    const stored = (await alice.store.getIdentity())!;
    const { session, challenge } = await RpcSession.open(createWebSocketTransport(hub.hub.url), {
      onPush: () => {},
      onClose: () => {},
    });
    await session.call("authenticate", {
      deviceId: stored.deviceId,
      signature: signChallenge(stored.signaturePrivateKey, challenge),
    });

    for (let i = 0; i < KEY_PACKAGE_TARGET - 5; i++)
      await session.call("claimKeyPackages", { address: "bob@instagram" });
    // The hub pushes KeyPackagesLow; bob's SDK uploads fresh ones.
    // Without a top-up 5 would be left.
    await eventually(
      async () => (await hub.store.countKeyPackages(bob.client.deviceId)) >= LIMITS.keyPackagesLowWater,
      "bob to top up",
    );

    bob.client.disconnect();
    for (let i = 0; i < KEY_PACKAGE_TARGET + 5; i++) {
      const claimed = await session.call("claimKeyPackages", { address: "bob@instagram" });
      expect(claimed.keyPackages).toHaveLength(1);
    }
    expect(await hub.store.countKeyPackages(bob.client.deviceId)).toBe(0);
    // Still addable while offline: the last-resort package is handed out and kept.
    const conversation = await alice.client.openDirect("bob@instagram");
    await alice.client.sendText(conversation, "you there?");
    await bob.client.connect();
    await eventually(
      () => bob.received.some((m) => m.text === "you there?"),
      "bob to join through his last-resort package",
    );
    session.close();
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
