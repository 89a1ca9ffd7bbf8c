/**
 * The hub's configuration for `npm run abuse`: the three demo apps, plus a
 * fourth whose phone numbers must be verified, so code guessing has a target.
 */
import { DEMO_APPS } from "../../packages/server/src/config/apps.js";

export function abuseConfig(): Record<string, unknown> {
  return {
    logLevel: "warn",
    apps: [
      ...DEMO_APPS,
      {
        id: "verified",
        displayName: "Verified",
        brandColor: "#333333",
        identity: "phone",
        reach: "open",
        verification: "log",
      },
    ],
  };
}
