/** Reactions as chips under a message (SPEC CT12, WB11). Pure. */
import type { LocalReaction } from "@switchboard/client";

/** The reactions the picker offers: the set the big messengers settled on. */
export const EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

export interface ReactionChip {
  emoji: string;
  count: number;
  mine: boolean;
}

/** One chip per emoji, in the order they were first given; `mine` marks this account's own. */
export function chipsOf(reactions: readonly LocalReaction[], self: string): ReactionChip[] {
  const chips = new Map<string, ReactionChip>();
  for (const r of [...reactions].sort((a, b) => a.at - b.at)) {
    const chip = chips.get(r.emoji) ?? { emoji: r.emoji, count: 0, mine: false };
    chip.count++;
    chip.mine ||= r.senderAddress === self;
    chips.set(r.emoji, chip);
  }
  return [...chips.values()];
}
