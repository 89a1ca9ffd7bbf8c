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
    const a = encodeGroupSettings({ admins: ["b@x", "a@x", "b@x"], everyoneManages: false });
    const b = encodeGroupSettings({ admins: ["a@x", "b@x"], everyoneManages: false });
    expect(a).toEqual(b);
    expect(decodeGroupSettings(a)).toEqual({ admins: ["a@x", "b@x"], everyoneManages: false });
  });

  it("[GR1] round-trips any settings within the limits", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 40 }), { maxLength: 20 }),
        fc.boolean(),
        (admins, everyoneManages) => {
          const decoded = decodeGroupSettings(encodeGroupSettings({ admins, everyoneManages }));
          expect(decoded).toEqual({ admins: [...admins].sort(), everyoneManages });
        },
      ),
    );
  });

  it("[GR1] refuses junk and settings over the limits", () => {
    expect(decodeGroupSettings(new Uint8Array([0xff, 0xff, 0xff]))).toBeUndefined();
    const many = Array.from({ length: GROUP_SETTINGS_LIMITS.maxAdmins + 1 }, (_, i) => `a${i}@x`);
    expect(
      decodeGroupSettings(encodeGroupSettings({ admins: many, everyoneManages: false })),
    ).toBeUndefined();
  });

  it("[GR2] admins manage; everyone does when the group says so or has no settings (made before GR1)", () => {
    const settings = { admins: ["a@x"], everyoneManages: false };
    expect(mayManage(settings, "a@x")).toBe(true);
    expect(mayManage(settings, "b@x")).toBe(false);
    expect(mayManage({ ...settings, everyoneManages: true }, "b@x")).toBe(true);
    expect(mayManage(undefined, "b@x")).toBe(true);
  });
});
