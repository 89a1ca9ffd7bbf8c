/**
 * What the client does as a group commit is applied, without the rest of
 * the group operations (which load on demand, SPEC WB16): these run inside
 * the commit, so they must not wait on a fetch.
 */
import { deviceChanges } from "../../devices/changes.js";
import { groupEventsOf, type GroupChange } from "./events.js";
import type { GroupsDeps } from "./groups.js";

/**
 * [GR4] A commit changed a group: tell what people should see, and which
 * accounts' devices changed (their safety numbers change; trust is asked
 * again). A device removed itself learns nothing more of the devices.
 */
export function groupChanged(
  deps: Pick<GroupsDeps, "identity" | "trust" | "events">,
  change: GroupChange,
): void {
  const self = deps.identity().deviceId;
  if (change.membersAfter.some((m) => m.deviceId === self)) {
    for (const devices of deviceChanges([...change.membersBefore], [...change.membersAfter])) {
      deps.trust.forget(devices.address);
      deps.events.emit("devices", { ...devices, conversationId: change.conversationId });
    }
  }
  for (const event of groupEventsOf(change)) deps.events.emit("group", event);
}

/** [GR6] A member proposed to leave: commit it (in the background) so the group moves on. */
export function commitLeaves(deps: Pick<GroupsDeps, "committer" | "events">, conversationId: string): void {
  deps.committer
    .commitPendingRemovals(conversationId)
    .catch((error: unknown) => deps.events.emit("error", { error, context: conversationId }));
}
