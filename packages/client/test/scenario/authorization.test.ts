/**
 * [DS5] [DIR1] Who may do what: a device that is not a member cannot read,
 * write or join a conversation, and a forged signature gets nobody in.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConversationKind, ProtocolError } from "@switchboard/protocol";
import { generateDeviceKeyPair, signChallenge } from "../../src/identity/deviceKeys.js";
import { createTsMlsEngine } from "../../src/mls/index.js";
import { RpcSession } from "../../src/session/rpc.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { newDevice, startTestHub, type TestHub } from "./harness.js";

async function session(url: string): Promise<{ rpc: RpcSession; challenge: Uint8Array }> {
  const { session: rpc, challenge } = await RpcSession.open(createWebSocketTransport(url), {
    onPush: () => {},
    onClose: () => {},
  });
  return { rpc, challenge };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (err: unknown) => (err instanceof ProtocolError ? err.code : String(err)),
  );

describe("authorization", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("[DS5] a non-member device cannot read, write or join a conversation", async () => {
    const alice = await newDevice(hub.hub.url, "alice@example.com@messenger");
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const group = await alice.client.createGroup("Private", ["bob@instagram"]);
    await alice.client.sendText(group, "members only");
    const groupInfo = (await hub.store.getConversation(group))!.groupInfo;

    // Mallory registers normally and then tries everything on alice's group.
    const mallory = await newDevice(hub.hub.url, "mallory@instagram");
    const stored = (await mallory.store.getIdentity())!;
    const { rpc, challenge } = await session(hub.hub.url);
    await rpc.call("authenticate", {
      deviceId: stored.deviceId,
      signature: signChallenge(stored.signaturePrivateKey, challenge),
    });
    expect(await code(rpc.call("fetch", { conversationId: group, afterSeq: 0n, limit: 100 }))).toBe(
      "NOT_FOUND",
    );
    expect(await code(rpc.call("getGroupInfo", { conversationId: group }))).toBe("NOT_FOUND");
    expect(
      await code(
        rpc.call("sendMessage", {
          conversationId: group,
          clientMessageId: "x1",
          payload: new Uint8Array([0, 1, 0, 2, 0]),
          epoch: 1n,
        }),
      ),
    ).toBe("NOT_FOUND");
    // A well-formed PrivateMessage of this group at its current epoch (one of
    // alice's, replayed) passes every check but membership: still NOT_FOUND.
    const [replayed] = (await hub.store.readLog(group, 0, 100)).filter((e) => e.kind === "application");
    expect(
      await code(
        rpc.call("sendMessage", {
          conversationId: group,
          clientMessageId: "x2",
          payload: replayed!.payload,
          epoch: BigInt(replayed!.epoch),
        }),
      ),
    ).toBe("NOT_FOUND");
    // With a leaked GroupInfo she can build a valid external commit, but she is
    // not a participant: the hub refuses her joining.
    const engine = await createTsMlsEngine({ crypto: "node" });
    const pending = await engine.joinExternal(stored, groupInfo);
    const conversation = (await hub.store.getConversation(group))!;
    expect(
      await code(
        rpc.call("commit", {
          conversationId: group,
          clientMessageId: "join1",
          epoch: BigInt(conversation.epoch),
          commit: pending.commit,
          groupInfo: pending.groupInfo,
        }),
      ),
    ).toBe("FORBIDDEN");
    // Nothing she did reached the log or the members.
    expect(
      (await hub.store.readLog(group, 0, 100)).every((e) => e.senderAddress !== "mallory@instagram"),
    ).toBe(true);
    expect(await hub.store.getMembership(group, stored.deviceId)).toBeUndefined();
    rpc.close();
    await Promise.all([alice.client.close(), bob.client.close(), mallory.client.close()]);
  });

  it("[DS14] a member's Add of a key package with a stranger's credential and its own key is refused; the stranger sees nothing", async () => {
    const victim = await newDevice(hub.hub.url, "victim@instagram");
    const mallory = await newDevice(hub.hub.url, "mallory@instagram");
    const victimId = (await victim.store.getIdentity())!;
    const stored = (await mallory.store.getIdentity())!;
    const {
      session: rpc,
      challenge,
      hubSignatureKey,
    } = await RpcSession.open(createWebSocketTransport(hub.hub.url), {
      onPush: () => {},
      onClose: () => {},
    });
    await rpc.call("authenticate", {
      deviceId: stored.deviceId,
      signature: signChallenge(stored.signaturePrivateKey, challenge),
    });
    // Mallory's own group, made with the SDK's engine outside any client.
    const engine = await createTsMlsEngine({ crypto: "node" });
    const groupId = crypto.getRandomValues(new Uint8Array(16));
    const conversationId = Buffer.from(groupId).toString("hex");
    const created = await engine.createGroup(stored, groupId, { externalSender: hubSignatureKey });
    await rpc.call("createConversation", {
      conversationId,
      kind: ConversationKind.GROUP,
      groupInfo: created.groupInfo,
    });
    // A key package naming the victim's device, signed with a key mallory made.
    const forgedKeys = generateDeviceKeyPair();
    const forged = await engine.generateKeyPackage({
      address: victimId.address,
      deviceId: victimId.deviceId,
      signaturePublicKey: forgedKeys.publicKey,
      signaturePrivateKey: forgedKeys.privateKey,
    });
    const commit = await engine.createCommit(stored, created.state, {
      add: [forged.publicMessage],
      removeDeviceIds: [],
    });
    const before = await victim.client.conversations();
    expect(
      await code(
        rpc.call("commit", {
          conversationId,
          clientMessageId: "forged-add",
          epoch: 0n,
          commit: commit.commit,
          welcome: commit.welcome!,
          groupInfo: commit.groupInfo,
        }),
      ),
    ).toBe("FORBIDDEN");
    // Nothing stored: not a member, no Welcome, and the victim's list is as it was.
    expect(await hub.store.getMembership(conversationId, victimId.deviceId)).toBeUndefined();
    expect(await hub.store.readInbox(victimId.deviceId, 0, 10)).toEqual([]);
    expect((await hub.store.getConversation(conversationId))?.epoch).toBe(0);
    await victim.client.sync();
    expect(await victim.client.conversations()).toEqual(before);
    rpc.close();
    await Promise.all([victim.client.close(), mallory.client.close()]);
  });

  it("[DIR1] a forged signature is refused at login and at registration", async () => {
    const bob = await newDevice(hub.hub.url, "bob@instagram");
    const stored = (await bob.store.getIdentity())!;
    const forger = generateDeviceKeyPair();

    const first = await session(hub.hub.url);
    // Bob's device id, signed with someone else's key.
    expect(
      await code(
        first.rpc.call("authenticate", {
          deviceId: stored.deviceId,
          signature: signChallenge(forger.privateKey, first.challenge),
        }),
      ),
    ).toBe("BAD_SIGNATURE");
    // A valid signature, but over another connection's challenge (a replay).
    const second = await session(hub.hub.url);
    expect(
      await code(
        second.rpc.call("authenticate", {
          deviceId: stored.deviceId,
          signature: signChallenge(stored.signaturePrivateKey, first.challenge),
        }),
      ),
    ).toBe("BAD_SIGNATURE");
    // Registering a key without holding it.
    const third = await session(hub.hub.url);
    expect(
      await code(
        third.rpc.call("register", {
          address: "eve@instagram",
          signatureKey: generateDeviceKeyPair().publicKey,
          signature: signChallenge(forger.privateKey, third.challenge),
        }),
      ),
    ).toBe("BAD_SIGNATURE");
    expect(await hub.store.getAccount("eve@instagram")).toBeUndefined();
    // Unauthenticated connections can do nothing else.
    expect(await code(third.rpc.call("listConversations", {}))).toBe("UNAUTHENTICATED");
    for (const s of [first, second, third]) s.rpc.close();
    await bob.client.close();
  });
});
