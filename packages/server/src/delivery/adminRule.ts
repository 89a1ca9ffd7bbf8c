/**
 * [GR2] Only a group's admins manage it, unless its settings open that to
 * every member (SPEC GR1: the settings are a GroupContext extension, so the
 * hub reads them from the stored GroupInfo, in the clear like the rest of
 * a commit's framing). Managing is adding devices, removing devices inline,
 * or any GroupContextExtensions proposal (the admins, the
 * disappearing timer, whatever comes next). Not managing: adding or
 * removing devices of the committer's own account; a member's commit
 * of pending Removes by reference (the hub's for revoked devices, a leaving
 * member's own), and an external commit rejoining one's own account.
 *
 * [GR3] The new GroupInfo is the next commit's reference, so its settings
 * must be what the commit makes them: the proposal's, or unchanged.
 */
import {
  type CredentialIdentity,
  GROUP_SETTINGS_EXTENSION_TYPE,
  ProtocolError,
  decodeGroupSettings,
  equalBytes,
  mayManage,
  type GroupSettingsValue,
} from "@switchboard/protocol";
import type { Extension } from "ts-mls";
import { extensionTypeToNumber } from "ts-mls/extension.js";
import type { CommitFacts } from "../mls/inspect.js";

function settingsData(extensions: readonly Extension[]): Uint8Array | undefined {
  return extensions.find((e) => extensionTypeToNumber(e.extensionType) === GROUP_SETTINGS_EXTENSION_TYPE)
    ?.extensionData;
}

/** The settings in a GroupContext's extensions; undefined for a group from before GR1. */
export function groupSettingsIn(extensions: readonly Extension[]): GroupSettingsValue | undefined {
  const data = settingsData(extensions);
  if (data === undefined) return undefined;
  const settings = decodeGroupSettings(data);
  if (settings === undefined)
    throw new ProtocolError("INVALID_ARGUMENT", "the group settings extension is malformed");
  return settings;
}

export function requireAdminRule(input: {
  commit: CommitFacts;
  committer: string;
  /** GroupContext extensions of the epoch the commit ends (the stored GroupInfo's). */
  before: readonly Extension[];
  /** GroupContext extensions of the new GroupInfo the commit comes with. */
  after: readonly Extension[];
  /** Leaf -> device of the epoch the commit ends, for whose devices it removes. */
  leaves: ReadonlyMap<number, CredentialIdentity>;
}): void {
  const { commit, committer, before, after } = input;
  const proposed = commit.contextExtensions;
  if (proposed !== null && commit.senderType !== "member")
    throw new ProtocolError("INVALID_ARGUMENT", "an external commit may not change the group context");
  const settings = groupSettingsIn(before);
  const others = (address: string | undefined) => address !== committer;
  const manages =
    commit.added.some((a) => others(a.address)) ||
    commit.removedLeaves.some((leaf) => others(input.leaves.get(leaf)?.address)) ||
    proposed !== null;
  if (commit.senderType === "member" && manages && !mayManage(settings, committer))
    throw new ProtocolError("NOT_ADMIN", `${committer} is not an admin of this group`);
  const expected = settingsData(proposed ?? before);
  const got = settingsData(after);
  const same = expected === undefined ? got === undefined : got !== undefined && equalBytes(expected, got);
  if (!same)
    throw new ProtocolError(
      "INVALID_ARGUMENT",
      "the GroupInfo's group settings are not what the commit makes them",
    );
  if (proposed !== null) {
    if (settingsData(before) !== undefined && expected === undefined)
      throw new ProtocolError("INVALID_ARGUMENT", "a commit may not drop the group's settings");
    groupSettingsIn(proposed);
  }
}
