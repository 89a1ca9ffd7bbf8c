/** [GR2] [GR3] The hub's admin rule on a commit's facts, without MLS. */
import { describe, expect, it } from "vitest";
import {
  GROUP_SETTINGS_EXTENSION_TYPE,
  encodeGroupSettings,
  type GroupSettingsValue,
} from "@switchboard/protocol";
import type { Extension } from "ts-mls";
import { requireAdminRule } from "../../src/delivery/adminRule.js";
import type { CommitFacts } from "../../src/mls/inspect.js";

const ext = (value: GroupSettingsValue): Extension => ({
  extensionType: GROUP_SETTINGS_EXTENSION_TYPE,
  extensionData: encodeGroupSettings(value),
});
const ADMIN_A = [ext({ admins: ["a@x"], everyoneManages: false })];
const leaves = new Map([
  [0, { address: "a@x", deviceId: "a1" }],
  [1, { address: "b@x", deviceId: "b1" }],
  [2, { address: "b@x", deviceId: "b2" }],
]);
const facts = (over: Partial<CommitFacts>): CommitFacts => ({
  groupId: "00",
  epoch: 1,
  senderType: "member",
  added: [],
  removedLeaves: [],
  proposalRefs: [],
  joiner: null,
  senderLeaf: 1,
  contextExtensions: null,
  ...over,
});
const code = (run: () => void): string => {
  try {
    run();
    return "";
  } catch (e) {
    return (e as { code: string }).code;
  }
};
const check =
  (commit: CommitFacts, committer = "b@x", before = ADMIN_A, after = before) =>
  () =>
    requireAdminRule({ commit, committer, before, after, leaves });

describe("[GR2] the hub's admin rule", () => {
  it("[GR2] a non-admin may change only its own account's devices", () => {
    const ownDevice = { address: "b@x", deviceId: "b3", signatureKey: new Uint8Array(32) };
    expect(code(check(facts({ added: [ownDevice] })))).toBe("");
    expect(code(check(facts({ removedLeaves: [2] })))).toBe("");
    expect(code(check(facts({ added: [{ ...ownDevice, address: "c@x" }] })))).toBe("NOT_ADMIN");
    expect(code(check(facts({ removedLeaves: [0] })))).toBe("NOT_ADMIN");
    expect(code(check(facts({ proposalRefs: [new Uint8Array(32)] })))).toBe(""); // pending removals by reference
  });

  it("[GR2] any GroupContextExtensions proposal is managing; admins and everyone-manages groups may", () => {
    const changed = [ext({ admins: ["a@x", "c@x"], everyoneManages: false })];
    expect(code(check(facts({ contextExtensions: changed }), "b@x", ADMIN_A, changed))).toBe("NOT_ADMIN");
    expect(code(check(facts({ contextExtensions: changed }), "a@x", ADMIN_A, changed))).toBe("");
    const open = [ext({ admins: ["a@x"], everyoneManages: true })];
    expect(code(check(facts({ contextExtensions: open }), "b@x", open, open))).toBe("");
    // A timer or anything else counts too.
    const timer: Extension[] = [...ADMIN_A, { extensionType: 0xf5b1, extensionData: new Uint8Array([1]) }];
    expect(code(check(facts({ contextExtensions: timer }), "b@x", ADMIN_A, ADMIN_A))).toBe("NOT_ADMIN");
    // A group from before settings: everyone manages.
    expect(code(check(facts({ removedLeaves: [0] }), "b@x", [], []))).toBe("");
  });

  it("[GR2] an external commit may not change the group context; [GR3] nor may a GroupInfo differ from the commit", () => {
    const external = facts({ senderType: "new_member_commit", senderLeaf: null, contextExtensions: ADMIN_A });
    expect(code(check(external, "a@x"))).toBe("INVALID_ARGUMENT");
    const other = [ext({ admins: ["b@x"], everyoneManages: false })];
    expect(code(check(facts({}), "a@x", ADMIN_A, other))).toBe("INVALID_ARGUMENT");
    expect(code(check(facts({ contextExtensions: [] }), "a@x", ADMIN_A, []))).toBe("INVALID_ARGUMENT");
  });
});
