/**
 * [PP6] [PP7] Blocks at the hub through the real gateway with real MLS: the
 * Block ops, a blocked account's claims toward the blocker (nothing, as for
 * an account with no device ready), and its commit adding the blocker with
 * key packages it had before the block (refused by the default mayAdd).
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationKind, toHex } from "@switchboard/protocol";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub } from "../../src/index.js";
import { MlsMember, externalSenderExtension } from "../devices/mlsMember.js";
import { WireDevice } from "../devices/support.js";

const EVE = "eve@instagram";
const CAROL = "carol@instagram";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(): Promise<string> {
  const hub = await startHub({
    store: openSqliteStore({ path: ":memory:" }),
    bus: createMemoryBus(),
    apps: DEMO_APPS,
  });
  close = () => hub.close();
  return hub.url;
}

describe("blocks at the hub", () => {
  it("[PP5] Block, Unblock and ListBlocked answer normalised addresses; self is refused", async () => {
    const url = await start();
    const carol = await WireDevice.register(url, CAROL);
    const blocked = await carol.ok("block", { case: "block", value: { address: "  EVE@Instagram" } });
    expect(blocked.address).toBe(EVE);
    const listed = await carol.ok("listBlocked", {
      case: "listBlocked",
      value: { afterAddress: "", limit: 0 },
    });
    expect(listed.accounts.map((a) => a.address)).toEqual([EVE]);
    expect(listed.hasMore).toBe(false);
    expect((await carol.error({ case: "block", value: { address: CAROL } })).code).toBe("INVALID_ARGUMENT");
    expect((await carol.error({ case: "block", value: { address: "eve@nowhere" } })).code).toBe(
      "UNKNOWN_APP",
    );
    await carol.ok("unblock", { case: "unblock", value: { address: EVE } });
    const after = await carol.ok("listBlocked", {
      case: "listBlocked",
      value: { afterAddress: "", limit: 0 },
    });
    expect(after.accounts).toEqual([]);
    const policy = await carol.ok("getAppPolicy", { case: "getAppPolicy", value: {} });
    expect(policy).toMatchObject({ app: "instagram", reach: "open" });
  });

  it("[PP6] [PP7] a blocked account claims nothing of the blocker, and cannot commit an add of it", async () => {
    const url = await start();
    const eve = await WireDevice.register(url, EVE);
    const carol = await WireDevice.register(url, CAROL);
    const carolMls = new MlsMember(carol.address, carol.deviceId, carol.keys);
    // A key package eve got hold of before the block (here: made by carol's own MLS side).
    const keyPackage = await carolMls.keyPackage();
    await carol.ok("uploadKeyPackages", {
      case: "uploadKeyPackages",
      value: { keyPackages: [await carolMls.keyPackage()], lastResort: new Uint8Array(0) },
    });
    await carol.ok("block", { case: "block", value: { address: EVE } });

    const claim = await eve.error({ case: "claimKeyPackages", value: { address: CAROL, deviceIds: [] } });
    expect(claim).toMatchObject({
      code: "NO_KEY_PACKAGE",
      message: `${CAROL} has no device ready to be added`,
    });
    const named = await eve.ok("claimKeyPackages", {
      case: "claimKeyPackages",
      value: { address: CAROL, deviceIds: [carol.deviceId] },
    });
    expect(named.keyPackages).toEqual([]);

    const mls = new MlsMember(eve.address, eve.deviceId, eve.keys);
    const groupId = new Uint8Array(randomBytes(16));
    const conversationId = toHex(groupId);
    const groupInfo = await mls.createGroup(groupId, [externalSenderExtension(eve.hubKey)]);
    await eve.ok("createConversation", {
      case: "createConversation",
      value: { conversationId, kind: ConversationKind.GROUP, groupInfo },
    });
    const made = await mls.commit([keyPackage]);
    const refused = await eve.error({
      case: "commit",
      value: {
        conversationId,
        clientMessageId: "add-carol",
        epoch: made.epoch,
        commit: made.commit,
        welcome: made.welcome,
        groupInfo: made.groupInfo,
      },
    });
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: `${CAROL} cannot be added` });

    // Someone carol has not blocked claims as before.
    const other = await WireDevice.register(url, "dan@instagram");
    const ok = await other.ok("claimKeyPackages", {
      case: "claimKeyPackages",
      value: { address: CAROL, deviceIds: [] },
    });
    expect(ok.keyPackages).toHaveLength(1);
  });
});
