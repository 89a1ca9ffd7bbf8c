/**
 * "Bob added a new device": how a group's change of members changes the
 * device sets of accounts that were in it before and still are. Accounts
 * joining or leaving are not device changes (the UI says "added"/"left").
 */
import type { GroupMember } from "../mls/engine.js";

export interface DeviceChange {
  address: string;
  added: string[];
  removed: string[];
}

export function deviceChanges(before: GroupMember[], after: GroupMember[]): DeviceChange[] {
  const devicesOf = (members: GroupMember[]) => {
    const map = new Map<string, Set<string>>();
    for (const m of members) {
      let set = map.get(m.address);
      if (!set) map.set(m.address, (set = new Set()));
      set.add(m.deviceId);
    }
    return map;
  };
  const was = devicesOf(before);
  const now = devicesOf(after);
  const changes: DeviceChange[] = [];
  for (const [address, previous] of was) {
    const current = now.get(address);
    if (!current) continue;
    const added = [...current].filter((d) => !previous.has(d)).sort();
    const removed = [...previous].filter((d) => !current.has(d)).sort();
    if (added.length > 0 || removed.length > 0) changes.push({ address, added, removed });
  }
  return changes.sort((a, b) => a.address.localeCompare(b.address));
}
