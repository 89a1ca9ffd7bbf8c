/** A hub for membership tests: an in-memory store, a clock the test moves, and optional settings. */
import { randomBytes } from "node:crypto";
import { ConversationKind, toHex } from "@switchboard/protocol";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub, type AppConfig } from "../../src/index.js";
import type { MayAdd } from "../../src/delivery/addChecks.js";
import type { MembershipSettings } from "../../src/delivery/membershipSettings.js";
import type { Store } from "../../src/store/port.js";
import { MlsMember, externalSenderExtension, type MadeCommit } from "../devices/mlsMember.js";
import type { WireDevice } from "../devices/support.js";

export interface MembershipHub {
  url: string;
  store: Store;
  clock: { now: number };
  close(): Promise<void>;
}

export async function startMembershipHub(
  options: { apps?: readonly AppConfig[]; mayAdd?: MayAdd; membership?: Partial<MembershipSettings> } = {},
): Promise<MembershipHub> {
  const store = openSqliteStore({ path: ":memory:" });
  const clock = { now: Date.now() };
  const hub = await startHub({
    store,
    bus: createMemoryBus(),
    apps: options.apps ?? DEMO_APPS,
    clock: () => clock.now,
    ...(options.mayAdd ? { mayAdd: options.mayAdd } : {}),
    ...(options.membership ? { membership: options.membership } : {}),
  });
  return { url: hub.url, store, clock, close: () => hub.close() };
}

let ids = 0;
export const commitOp = (conversationId: string, made: MadeCommit) =>
  ({
    case: "commit",
    value: {
      conversationId,
      clientMessageId: `c${++ids}`,
      epoch: made.epoch,
      commit: made.commit,
      welcome: made.welcome,
      groupInfo: made.groupInfo,
    },
  }) as const;

export const createGroupOp = (conversationId: string, groupInfo: Uint8Array) =>
  ({
    case: "createConversation",
    value: { conversationId, kind: ConversationKind.GROUP, groupInfo },
  }) as const;

/** `owner` makes a group naming the hub; its MLS side and the conversation id. */
export async function groupOf(owner: WireDevice): Promise<{ mls: MlsMember; conversationId: string }> {
  const { mls, conversationId, groupInfo } = await groupDraft(owner);
  await owner.ok("createConversation", createGroupOp(conversationId, groupInfo));
  return { mls, conversationId };
}

/** A group's epoch-0 state and GroupInfo, not yet sent to the hub. */
export async function groupDraft(owner: WireDevice) {
  const mls = new MlsMember(owner.address, owner.deviceId, owner.keys);
  const groupId = new Uint8Array(randomBytes(16));
  const groupInfo = await mls.createGroup(groupId, [externalSenderExtension(owner.hubKey)]);
  return { mls, conversationId: toHex(groupId), groupInfo };
}

/** A member-side MLS handle for a registered device (its real key). */
export const mlsOf = (device: WireDevice) => new MlsMember(device.address, device.deviceId, device.keys);
