/**
 * The hub's configuration for `npm run abuse`: the three demo apps, plus a
 * fourth whose phone numbers must be verified, so code guessing has a target.
 */
import { DEMO_APPS } from "../../packages/server/src/config/apps.js";

export const DISK_FILL_QUOTA_BYTES = 32 * 1024 * 1024;

export function abuseConfig(): Record<string, unknown> {
  return {
    logLevel: "warn",
    // The default quota (256 MiB a device) is past what the disk-fill attack sends in its
    // bounded run; a smaller one shows the same mechanism within it.
    storage: { maxQueuedBytesPerDevice: DISK_FILL_QUOTA_BYTES },
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
