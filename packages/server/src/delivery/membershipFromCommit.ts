/**
 * The membership change a commit makes, derived by the hub from the commit
 * itself (not from what the client claims), against the current members.
 */
import { ProtocolError, type CredentialIdentity } from "@switchboard/protocol";
import type { MembershipDelta } from "../store/port.js";
import type { CommitFacts } from "../mls/inspect.js";

export interface MembershipInput {
  facts: CommitFacts;
  /** Leaf -> device of the epoch the commit ends (from the stored GroupInfo). */
  leaves: Map<number, CredentialIdentity>;
  /**
   * Devices removed by the hub's proposals the commit includes by reference
   * (resolved by the caller from the commit's ProposalRefs).
   */
  removedByReference: readonly string[];
  currentMembers: ReadonlySet<string>;
  participants: ReadonlySet<string>;
  /** Address of each device that stays or joins, to know which accounts remain. */
  addressOf: (deviceId: string) => string | undefined;
}

export function membershipFromCommit(input: MembershipInput): MembershipDelta {
  const { facts, leaves, currentMembers, participants } = input;
  const added = [...facts.added];
  if (facts.joiner) added.push(facts.joiner);
  const removedDevices: string[] = [];
  const remove = (deviceId: string) => {
    if (removedDevices.includes(deviceId))
      throw new ProtocolError("INVALID_ARGUMENT", `the commit removes device ${deviceId} twice`);
    removedDevices.push(deviceId);
  };
  for (const leaf of facts.removedLeaves) {
    const who = leaves.get(leaf);
    if (!who) throw new ProtocolError("INVALID_ARGUMENT", `the commit removes leaf ${leaf}, which is empty`);
    remove(who.deviceId);
  }
  for (const deviceId of input.removedByReference) remove(deviceId);
  const addedDevices: string[] = [];
  for (const who of added) {
    // An external commit may re-add a device that lost its state (RFC 9420 §12.4.3.2 resync).
    if (currentMembers.has(who.deviceId) && !removedDevices.includes(who.deviceId)) {
      throw new ProtocolError("INVALID_ARGUMENT", `device ${who.deviceId} is already a member`);
    }
    addedDevices.push(who.deviceId);
  }
  const after = new Set(currentMembers);
  for (const d of removedDevices) after.delete(d);
  for (const d of addedDevices) after.add(d);
  const accountsAfter = new Set<string>();
  for (const d of after) {
    const address = input.addressOf(d);
    if (address) accountsAfter.add(address);
  }
  const addedAccounts = [...accountsAfter].filter((a) => !participants.has(a)).sort();
  const removedAccounts = [...participants].filter((a) => !accountsAfter.has(a)).sort();
  return { addedDevices, removedDevices, addedAccounts, removedAccounts };
}
