/**
 * Expiry and orphan collection (SPEC MD7) on both BlobStores, with the
 * service's clock and timers injected: nothing waits for real time.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../src/caller.js";
import { MediaService, type SweepTimers } from "../../src/media/mediaService.js";
import { DEFAULT_MEDIA_SETTINGS } from "../../src/media/settings.js";
import { createUploadTokens } from "../../src/media/uploadToken.js";
import { pieces, type BlobStoreHarness } from "./contract/blobStore.js";
import { openFsHarness } from "./fsHarness.js";
import { openPostgresHarness, postgresAvailable } from "./postgresHarness.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const alice: Caller = { address: "alice@instagram", deviceId: "d1", app: "instagram" };

const adapters: [string, () => Promise<BlobStoreHarness>][] = [["filesystem", openFsHarness]];
if (postgresAvailable) adapters.push(["postgres", openPostgresHarness]);

describe.each(adapters)("blob expiry on %s", (_name, open) => {
  let harness: BlobStoreHarness | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  async function setup() {
    harness = await open();
    const clock = { now: 1_000_000 };
    const media = new MediaService(
      harness.store,
      DEFAULT_MEDIA_SETTINGS,
      createUploadTokens(randomBytes(32)),
      () => clock.now,
    );
    /** An uploaded (complete) blob of alice's, with a token asking for `lifetimeMs` (0: the maximum). */
    const upload = async (lifetimeMs = 0): Promise<string> => {
      const { token } = await media.createUploadToken(alice, lifetimeMs);
      const claims = media.authorize(`Bearer ${token}`);
      const blob = await media.admitUpload(claims, media.newBlobId(), 4);
      await harness!.store.create(blob);
      await harness!.store.append(blob.id, 0, pieces(Buffer.from("abcd")));
      return blob.id;
    };
    return { media, clock, upload, store: harness.store };
  }

  it("[MD7] an upload never marked sent is collected after 24 h; a sent one stays", async () => {
    const { media, clock, upload, store } = await setup();
    const orphan = await upload();
    const sent = await upload();
    await media.completeBlob(alice, sent, 0);
    clock.now += DAY - 1;
    expect(await media.sweep()).toBe(0);
    clock.now += 1;
    expect(await media.sweep()).toBe(1);
    expect(await store.info(orphan)).toBeUndefined();
    expect(await store.read(orphan, 0, 4)).toBeUndefined();
    expect(await store.info(sent)).toBeDefined();
    expect(await media.downloadable(sent)).toBeDefined();
  });

  it("[MD7] no blob outlives 30 days, and one asked to live less (a disappearing timer) goes sooner", async () => {
    const { media, clock, upload, store } = await setup();
    const month = await upload();
    const hour = await upload(HOUR);
    const shortened = await upload();
    await media.completeBlob(alice, month, 0);
    await media.completeBlob(alice, hour, 0);
    await media.completeBlob(alice, shortened, clock.now + 2 * HOUR);
    clock.now += HOUR;
    // Past its expiry it is no longer served, even before a sweep.
    expect(await media.downloadable(hour)).toBeUndefined();
    expect(await media.sweep()).toBe(1);
    expect(await store.info(hour)).toBeUndefined();
    clock.now += HOUR;
    expect(await media.sweep()).toBe(1);
    expect(await store.info(shortened)).toBeUndefined();
    clock.now += 30 * DAY - 2 * HOUR - 1;
    expect(await media.sweep()).toBe(0);
    clock.now += 1;
    expect(await media.sweep()).toBe(1);
    expect(await store.info(month)).toBeUndefined();
  });

  it("[MD7] the sweeper runs on its interval, unref'd, and stops on close", async () => {
    const { media, clock, upload, store } = await setup();
    const orphan = await upload();
    const ticks: (() => void)[] = [];
    let unrefs = 0;
    let cleared = 0;
    const timers: SweepTimers = {
      setInterval(callback, ms) {
        expect(ms).toBe(DEFAULT_MEDIA_SETTINGS.sweepIntervalMs);
        ticks.push(callback);
        return { unref: () => unrefs++ };
      },
      clearInterval: () => cleared++,
    };
    media.startSweeper(timers, (err) => {
      throw err;
    });
    expect(unrefs).toBe(1);
    clock.now += DAY;
    ticks[0]!();
    await media.sweep();
    expect(await store.info(orphan)).toBeUndefined();
    await media.close(timers);
    expect(cleared).toBe(1);
  });
});
