/** Key packages: a device learns it is running low and tops up; the last-resort package keeps it reachable. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LIMITS } from "@switchboard/protocol";
import { signChallenge } from "../../src/identity/deviceKeys.js";
import { CLAIMED_GRACE_MS, KEY_PACKAGE_CAP, KEY_PACKAGE_TARGET } from "../../src/keyPackages.js";
import { RpcSession } from "../../src/session/rpc.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { eventually, newClient, newDevice, startTestHub, type TestHub } from "./harness.js";

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

  it("[DIR13] 1,000 claims leave the victim's device with at most the cap of private packages; claimed ones no Welcome used are pruned after the grace period", async () => {
    let now = Date.now();
    const victim = await newClient({ clock: () => now });
    await victim.client.register(hub.hub.url, "victim@instagram", "Victim");
    await victim.client.connect();
    const attacker = await newDevice(hub.hub.url, "mallory@instagram");
    const stored = (await attacker.store.getIdentity())!;
    const { session, challenge } = await RpcSession.open(createWebSocketTransport(hub.hub.url), {
      onPush: () => {},
      onClose: () => {},
    });
    await session.call("authenticate", {
      deviceId: stored.deviceId,
      signature: signChallenge(stored.signaturePrivateKey, challenge),
    });
    const oneTimeHeld = async () => (await victim.store.countKeyPackages()).oneTime;
    let most = 0;
    let lastResortServed = 0;
    for (let i = 0; i < 1000; i++) {
      const claimed = await session.call("claimKeyPackages", { address: "victim@instagram" });
      expect(claimed.keyPackages).toHaveLength(1);
      // Nothing one-time left on the hub: the last-resort package was (or is next) handed out.
      if ((await hub.store.countKeyPackages(victim.client.deviceId)) === 0) lastResortServed++;
      most = Math.max(most, await oneTimeHeld());
    }
    // Let the last top-up the pushes started finish.
    await victim.client.sync();
    most = Math.max(most, await oneTimeHeld());
    expect(most).toBeLessThanOrEqual(KEY_PACKAGE_CAP);
    expect(await oneTimeHeld()).toBeLessThanOrEqual(KEY_PACKAGE_CAP);
    expect(lastResortServed).toBeGreaterThan(0);

    // A day later the claimed ones no Welcome used are gone, and top-ups resume.
    now += CLAIMED_GRACE_MS;
    victim.client.disconnect();
    await victim.client.connect();
    const onHub = await hub.store.countKeyPackages(victim.client.deviceId);
    expect(await oneTimeHeld()).toBe(onHub);
    expect(onHub).toBeGreaterThanOrEqual(LIMITS.keyPackagesLowWater);

    // What is left still works: the attacker can add the victim, who joins.
    await attacker.client.sendText("victim@instagram", "still reachable?");
    await eventually(() => victim.received.some((m) => m.text === "still reachable?"), "the victim to join");
    session.close();
    await Promise.all([victim.client.close(), attacker.client.close()]);
  });
});
