/** Web Locks: one holder per profile, a refusal for the second, and a take-over that the first one hears of. */
import { describe, expect, it } from "vitest";
import { ClientError } from "../../../src/errors.js";
import { lockBrowserProfile } from "../../../src/profile/webLock.js";

let counter = 0;
const freshProfile = () => `lock-test-${Date.now()}-${++counter}`;

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return err instanceof ClientError ? err.code : String(err);
  }
}

describe("profile lock (Web Locks)", () => {
  it("a second opener is refused with PROFILE_IN_USE while the first holds the profile", async () => {
    const profile = freshProfile();
    const first = await lockBrowserProfile(profile);
    expect(await codeOf(lockBrowserProfile(profile))).toBe("PROFILE_IN_USE");
    await first.release();
    const again = await lockBrowserProfile(profile);
    await again.release();
  });

  it("takeOver gets the profile, and the first holder is told PROFILE_TAKEN_OVER", async () => {
    const profile = freshProfile();
    const first = await lockBrowserProfile(profile);
    const second = await lockBrowserProfile(profile, { takeOver: true });
    expect((await first.lost).code).toBe("PROFILE_TAKEN_OVER");
    // The new holder is the one others now meet.
    expect(await codeOf(lockBrowserProfile(profile))).toBe("PROFILE_IN_USE");
    await second.release();
  });

  it("profiles are independent", async () => {
    const a = await lockBrowserProfile(freshProfile());
    const b = await lockBrowserProfile(freshProfile());
    await a.release();
    await b.release();
  });
});
