/** [XP1][XP2] the timer's values, names and extension bytes; our extensions change, others are kept. */
import { describe, expect, it } from "vitest";
import type { Extension } from "ts-mls";
import {
  decodeTimer,
  encodeTimer,
  isTimerChoice,
  MAX_TIMER_SECONDS,
  parseTimer,
  timerName,
} from "../../src/expiry/timer.js";
import {
  TIMER_EXTENSION,
  extensionData,
  keepsStandardExtensions,
  withExtensionChanges,
} from "../../src/mls/groupExtensions.js";

describe("timer values", () => {
  it("[XP2] off, 5 min, 1 h, 1 d, 7 d, 90 d by name, and nothing else", () => {
    expect(["off", "5m", "1h", "1d", "7d", "90d"].map(parseTimer)).toEqual([
      null,
      300,
      3600,
      86_400,
      604_800,
      7_776_000,
    ]);
    expect(parseTimer(" 1H ")).toBe(3600);
    for (const bad of ["", "2m", "5", "5min", "on", "-5m", "constructor", "toString"])
      expect(parseTimer(bad)).toBeUndefined();
    expect([null, 300, 3600, 86_400, 604_800, 7_776_000].every(isTimerChoice)).toBe(true);
    for (const bad of [0, 1, 299, 301, 7_776_001, -300, Number.NaN]) expect(isTimerChoice(bad)).toBe(false);
    expect(timerName(null)).toBe("off");
    expect(timerName(604_800)).toBe("7d");
    expect(timerName(450)).toBe("450s");
  });

  it("[XP1] the extension is uint32 big-endian seconds; absent or 0 is off; junk or too long reads as 90 d", () => {
    expect([...encodeTimer(300)]).toEqual([0, 0, 1, 44]);
    expect([...encodeTimer(null)]).toEqual([0, 0, 0, 0]);
    for (const s of [null, 300, 3600, 86_400, 604_800, 7_776_000])
      expect(decodeTimer(encodeTimer(s))).toBe(s);
    expect(decodeTimer(undefined)).toBeNull();
    expect(decodeTimer(new Uint8Array([1, 2, 3]))).toBe(MAX_TIMER_SECONDS);
    expect(decodeTimer(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toBe(MAX_TIMER_SECONDS);
    expect(decodeTimer(new Uint8Array([0, 0, 0, 5]))).toBe(5);
  });
});

describe("group context extensions", () => {
  const hub: Extension = { extensionType: "external_senders", extensionData: new Uint8Array([1, 2]) };
  const admins: Extension = { extensionType: 0xff0a, extensionData: new Uint8Array([9]) };

  it("[XP1] a change sets or removes ours and keeps every other extension, in order", () => {
    const set = withExtensionChanges([hub, admins], [{ type: TIMER_EXTENSION, data: encodeTimer(300) }]);
    expect(set.map((e) => e.extensionType)).toEqual(["external_senders", 0xff0a, TIMER_EXTENSION]);
    expect(decodeTimer(extensionData(set, TIMER_EXTENSION))).toBe(300);
    const again = withExtensionChanges(set, [{ type: TIMER_EXTENSION, data: encodeTimer(3600) }]);
    expect(again).toHaveLength(3);
    expect(decodeTimer(extensionData(again, TIMER_EXTENSION))).toBe(3600);
    const removed = withExtensionChanges(again, [{ type: TIMER_EXTENSION, data: null }]);
    expect(removed).toEqual([hub, admins]);
    expect(() => withExtensionChanges([hub], [{ type: 2, data: null }])).toThrow(/private-use/);
  });

  it("[XP1] a GroupContextExtensions proposal may change only private-use extensions", () => {
    const ours = withExtensionChanges([hub], [{ type: TIMER_EXTENSION, data: encodeTimer(300) }]);
    expect(keepsStandardExtensions([hub], ours)).toBe(true);
    expect(keepsStandardExtensions([hub], [])).toBe(false);
    expect(keepsStandardExtensions([hub], [{ ...hub, extensionData: new Uint8Array([1, 3]) }])).toBe(false);
    expect(keepsStandardExtensions([hub], [hub, hub])).toBe(false);
  });
});
