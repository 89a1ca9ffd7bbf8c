/** A conversation's disappearing-message timer, as its MLS group state says (SPEC XP1, XP2). */
import type { GroupEngine } from "../mls/engine.js";
import { TIMER_EXTENSION } from "../mls/groupExtensions.js";
import type { LocalConversation } from "../store/port.js";
import { decodeTimer } from "./timer.js";

export function conversationTimer(
  engine: Pick<GroupEngine, "loadState" | "groupExtension">,
  conversation: LocalConversation,
): number | null {
  if (!conversation.active) return null;
  return decodeTimer(engine.groupExtension(engine.loadState(conversation.groupState), TIMER_EXTENSION));
}
