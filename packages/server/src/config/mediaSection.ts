/**
 * The `media` section of the server config (SPEC MD16): attachment limits,
 * checked as strictly as every other section. Its own file so the section
 * list in serverConfig.ts grows by one line.
 */
import { z } from "zod";
import { isAppId } from "@switchboard/protocol";
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from "../media/settings.js";

const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .positive({ error: `${what} must be positive` });

const md = DEFAULT_MEDIA_SETTINGS;

export const MediaSection = z
  .strictObject({
    maxFileBytes: positiveInt("maxFileBytes").default(md.maxFileBytes),
    /** Per app id, a per-file limit that replaces maxFileBytes for that app's users. */
    maxFileBytesByApp: z
      .record(
        z.string().refine(isAppId, { error: "maxFileBytesByApp keys must be lower-case app ids" }),
        positiveInt("maxFileBytesByApp values"),
        { error: "maxFileBytesByApp must map app ids to byte counts" },
      )
      .default({}),
    accountQuotaBytes: positiveInt("accountQuotaBytes").default(md.accountQuotaBytes),
    maxBlobLifetimeMs: positiveInt("maxBlobLifetimeMs").default(md.maxBlobLifetimeMs),
    orphanAfterMs: positiveInt("orphanAfterMs").default(md.orphanAfterMs),
    uploadTokenTtlMs: positiveInt("uploadTokenTtlMs").default(md.uploadTokenTtlMs),
    sweepIntervalMs: positiveInt("sweepIntervalMs").default(md.sweepIntervalMs),
  })
  .superRefine((media, ctx) => {
    // An orphan older than any blob may live would never be collected as an orphan.
    if (media.orphanAfterMs > media.maxBlobLifetimeMs)
      ctx.addIssue({
        code: "custom",
        path: ["orphanAfterMs"],
        message: "orphanAfterMs must not be longer than maxBlobLifetimeMs",
      });
  })
  .transform((media): MediaSettings => media)
  .prefault({});
