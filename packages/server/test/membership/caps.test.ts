/**
 * [DS16] Caps on membership through the real gateway, with a clock the test
 * moves: other people may add an account to only so many groups an hour,
 * and an account is in at most so many conversations. Refusals are typed
 * and store nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { WireDevice, linkDevice } from "../devices/support.js";
import {
  commitOp,
  createGroupOp,
  groupDraft,
  groupOf,
  mlsOf,
  startMembershipHub,
  type MembershipHub,
} from "./support.js";

const HOUR = 60 * 60 * 1000;
let hub: MembershipHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

describe("[DS16] caps on membership", () => {
  it("[DS16] others may add an account to at most maxGroupAddsPerHour groups in an hour", async () => {
    hub = await startMembershipHub({ membership: { maxGroupAddsPerHour: 2 } });
    const mallory = await WireDevice.register(hub.url, "mallory@instagram");
    const victim = await WireDevice.register(hub.url, "victim@instagram");
    const groups = [await groupOf(mallory), await groupOf(mallory), await groupOf(mallory)];
    const add = async (group: (typeof groups)[number]) =>
      mallory.error(
        commitOp(group.conversationId, await group.mls.commit([await mlsOf(victim).keyPackage()])),
      );

    expect((await add(groups[0]!)).code).toBe("");
    hub.clock.now += HOUR / 2;
    expect((await add(groups[1]!)).code).toBe("");
    const refused = await add(groups[2]!);
    expect(refused.code).toBe("GROUP_ADD_LIMIT");
    expect(refused.message).toContain("victim@instagram");
    expect(await hub.store.countConversations("victim@instagram")).toBe(2);
    expect(await hub.store.getMembership(groups[2]!.conversationId, victim.deviceId)).toBeUndefined();
    expect((await hub.store.getConversation(groups[2]!.conversationId))?.epoch).toBe(0);

    // An hour after the first add, one more fits again.
    hub.clock.now += HOUR / 2 + 1;
    expect((await add(groups[2]!)).code).toBe("");
    expect(await hub.store.countConversations("victim@instagram")).toBe(3);
  });

  it("[DS16] adding one's own devices does not count against the hourly cap", async () => {
    hub = await startMembershipHub({ membership: { maxGroupAddsPerHour: 0 } });
    const alice = await WireDevice.register(hub.url, "alice@instagram");
    const laptop = await linkDevice(hub.url, alice, "laptop");
    const group = await groupOf(alice);
    const added = await alice.error(
      commitOp(group.conversationId, await group.mls.commit([await mlsOf(laptop).keyPackage()])),
    );
    expect(added.code).toBe("");
    expect(await hub.store.countGroupAdds("alice@instagram", 0)).toBe(0);
    // Anyone else is over a cap of zero.
    const bob = await WireDevice.register(hub.url, "bob@instagram");
    const other = await groupOf(alice);
    const refused = await alice.error(
      commitOp(other.conversationId, await other.mls.commit([await mlsOf(bob).keyPackage()])),
    );
    expect(refused.code).toBe("GROUP_ADD_LIMIT");
  });

  it("[DS16] an account is in at most maxConversationsPerAccount conversations", async () => {
    hub = await startMembershipHub({ membership: { maxConversationsPerAccount: 2 } });
    const alice = await WireDevice.register(hub.url, "alice@instagram");
    const bob = await WireDevice.register(hub.url, "bob@instagram");
    await groupOf(alice);
    await groupOf(alice);
    const third = await groupDraft(alice);
    const refused = await alice.error(createGroupOp(third.conversationId, third.groupInfo));
    expect(refused.code).toBe("CONVERSATION_LIMIT");
    expect(await hub.store.getConversation(third.conversationId)).toBeUndefined();

    // bob's group has room for him, but alice has none left: adding her is refused.
    const bobs = await groupOf(bob);
    const add = await bob.error(
      commitOp(bobs.conversationId, await bobs.mls.commit([await mlsOf(alice).keyPackage()])),
    );
    expect(add.code).toBe("CONVERSATION_LIMIT");
    expect(add.message).toContain("alice@instagram");
    expect(await hub.store.countConversations("alice@instagram")).toBe(2);
    expect(await hub.store.listMembers(bobs.conversationId)).toEqual([bob.deviceId]);
  });
});
