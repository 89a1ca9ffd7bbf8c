/** The pure parts of the content features on screen (SPEC WB11, WB12): reaction chips and the typing line. */
import type { LocalReaction } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { chipsOf } from "../src/state/reactionChips.js";
import { typingLine } from "../src/state/typingLine.js";

function reaction(senderAddress: string, emoji: string, at: number): LocalReaction {
  return {
    conversationId: "c",
    messageId: "m",
    senderAddress,
    emoji,
    reactionId: `${senderAddress}-${at}`,
    at,
  };
}

describe("[WB11] reaction chips", () => {
  it("one chip per emoji with its count, in the order first given, marking this account's own", () => {
    const chips = chipsOf(
      [reaction("cy@x", "❤️", 30), reaction("bob@y", "👍", 10), reaction("me@z", "👍", 20)],
      "me@z",
    );
    expect(chips).toEqual([
      { emoji: "👍", count: 2, mine: true },
      { emoji: "❤️", count: 1, mine: false },
    ]);
  });

  it("no reactions, no chips", () => {
    expect(chipsOf([], "me@z")).toEqual([]);
  });
});

describe("[WB12] the typing line", () => {
  it("names one or two people, and says several past that", () => {
    expect(typingLine([])).toBe("");
    expect(typingLine(["Bob"])).toBe("Bob is typing…");
    expect(typingLine(["Bob", "Cy"])).toBe("Bob and Cy are typing…");
    expect(typingLine(["Bob", "Cy", "Di"])).toBe("Several people are typing…");
  });
});
