/** A conversation this device just created (direct or group), as first stored: only this account in it yet. */
import type { GroupEngine } from "../mls/engine.js";
import type { LocalConversation } from "../store/port.js";

export function newConversation(
  engine: GroupEngine,
  fields: Pick<LocalConversation, "id" | "kind" | "title" | "peer">,
  me: string,
  state: Parameters<GroupEngine["saveState"]>[0],
  now: number,
): LocalConversation {
  return {
    ...fields,
    participants: [me],
    groupState: engine.saveState(state),
    epoch: state.epoch,
    appliedSeq: 0,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
}
