/** The `media` section of the server config (SPEC MD16). */
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONFIG, parseConfig } from "../../src/config/serverConfig.js";
import { DEFAULT_MEDIA_SETTINGS, maxFileBytesFor } from "../../src/media/settings.js";

const MB = 1024 * 1024;
const DAY = 24 * 60 * 60 * 1000;

function message(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return "accepted";
}

describe("[MD16] the media section of the server config", () => {
  it("defaults to 100 MB per file, 30-day blobs and 24-hour orphans", () => {
    expect(DEFAULT_CONFIG.media).toEqual(DEFAULT_MEDIA_SETTINGS);
    expect(DEFAULT_CONFIG.media.maxFileBytes).toBe(100 * MB);
    expect(DEFAULT_CONFIG.media.maxBlobLifetimeMs).toBe(30 * DAY);
    expect(DEFAULT_CONFIG.media.orphanAfterMs).toBe(DAY);
  });

  it("takes a per-app file limit and a quota, completing the rest with defaults", () => {
    const config = parseConfig({
      media: { maxFileBytesByApp: { whatsapp: 16 * MB }, accountQuotaBytes: 500 * MB },
    });
    expect(config.media).toEqual({
      ...DEFAULT_MEDIA_SETTINGS,
      maxFileBytesByApp: { whatsapp: 16 * MB },
      accountQuotaBytes: 500 * MB,
    });
    expect(maxFileBytesFor(config.media, "whatsapp")).toBe(16 * MB);
    expect(maxFileBytesFor(config.media, "instagram")).toBe(100 * MB);
  });

  it.each([
    [{ media: { maxFileBytes: 0 } }, "media.maxFileBytes: "],
    [{ media: { maxFileBytes: "100MB" } }, "media.maxFileBytes: maxFileBytes must be a number"],
    [{ media: { accountQuotaBytes: 1.5 } }, "media.accountQuotaBytes: "],
    [{ media: { maxFileBytesByApp: { WhatsApp: 1 } } }, "media.maxFileBytesByApp"],
    [{ media: { maxFileBytesByApp: { whatsapp: -1 } } }, "media.maxFileBytesByApp.whatsapp: "],
    [{ media: { maxBlobAgeDays: 30 } }, "media.maxBlobAgeDays: unknown setting"],
    [
      { media: { orphanAfterMs: 40 * DAY } },
      "media.orphanAfterMs: orphanAfterMs must not be longer than maxBlobLifetimeMs",
    ],
  ])("refuses %j, naming the path", (raw, expected) => {
    expect(message(raw)).toContain(expected);
  });
});
