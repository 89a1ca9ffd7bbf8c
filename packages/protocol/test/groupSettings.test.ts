/** [GR1] [GR2] The group settings extension's data, and the admin rule on it. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  GROUP_SETTINGS_LIMITS,
  decodeGroupSettings,
  encodeGroupSettings,
  mayManage,
} from "../src/groupSettings.js";

describe("[GR1] group settings", () => {
  it("[GR1] encode sorts and dedupes admins, so equal settings are equal bytes, and decodes back", () => {
    const a = encodeGroupSettings({ admins: ["b@x", "a@x", "b@x"], everyoneManages: false, title: "Trip" });
    const b = encodeGroupSettings({ admins: ["a@x", "b@x"], everyoneManages: false, title: "Trip" });
    expect(a).toEqual(b);
    expect(decodeGroupSettings(a)).toEqual({ admins: ["a@x", "b@x"], everyoneManages: false, title: "Trip" });
  });

  it("[GR1] round-trips any settings within the limits", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 40 }), { maxLength: 20 }),
        fc.boolean(),
        fc.string({ maxLength: 200 }),
        (admins, everyoneManages, title) => {
          const decoded = decodeGroupSettings(encodeGroupSettings({ admins, everyoneManages, title }));
          expect(decoded).toEqual({ admins: [...admins].sort(), everyoneManages, title });
        },
      ),
    );
  });

  it("[GR1] refuses junk and settings over the limits", () => {
    expect(decodeGroupSettings(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    const longTitle = "x".repeat(GROUP_SETTINGS_LIMITS.maxTitleChars + 1);
    expect(
      decodeGroupSettings(encodeGroupSettings({ admins: [], everyoneManages: true, title: longTitle })),
    ).toBeUndefined();
    const many = Array.from({ length: GROUP_SETTINGS_LIMITS.maxAdmins + 1 }, (_, i) => `a${i}@x`);
    expect(
      decodeGroupSettings(encodeGroupSettings({ admins: many, everyoneManages: false, title: "" })),
    ).toBeUndefined();
  });

  it("[GR2] admins manage; everyone does when the group says so or has no settings (made before GR1)", () => {
    const settings = { admins: ["a@x"], everyoneManages: false, title: "" };
    expect(mayManage(settings, "a@x")).toBe(true);
    expect(mayManage(settings, "b@x")).toBe(false);
    expect(mayManage({ ...settings, everyoneManages: true }, "b@x")).toBe(true);
    expect(mayManage(undefined, "b@x")).toBe(true);
  });
});
