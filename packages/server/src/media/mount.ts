/**
 * Attachments on a hub node, in one piece for hub.ts to wire in: the
 * service (for the WebSocket RPCs), the HTTP endpoints, and the sweeper,
 * started here and stopped by close().
 */
import type { Logger } from "pino";
import type { Clock } from "../caller.js";
import type { BlobStore } from "./blobStore.js";
import { createMediaHttp, type MediaHttp } from "./mediaHttp.js";
import { MediaService, type MediaRateHook, type SweepTimers } from "./mediaService.js";
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from "./settings.js";
import { createUploadTokens, uploadTokenKey } from "./uploadToken.js";

export interface MediaOptions {
  blobs: BlobStore;
  settings?: MediaSettings;
  /** The EDGE area's rate limiter plugs in here (throw RATE_LIMITED). */
  rateHook?: MediaRateHook;
  /** The sweeper's timers (tests); default the global ones. */
  timers?: SweepTimers;
}

export interface Media {
  service: MediaService;
  http: MediaHttp;
  /** Stop the sweeper and close the BlobStore. */
  close(): Promise<void>;
}

const GLOBAL_TIMERS: SweepTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export function startMedia(
  options: MediaOptions,
  node: { hubPrivateKey: Uint8Array; clock: Clock; log: Logger },
): Media {
  const timers = options.timers ?? GLOBAL_TIMERS;
  const service = new MediaService(
    options.blobs,
    options.settings ?? DEFAULT_MEDIA_SETTINGS,
    // Keyed from the hub's signing key, which every node shares: any node checks any token.
    createUploadTokens(uploadTokenKey(node.hubPrivateKey)),
    node.clock,
    options.rateHook,
  );
  service.startSweeper(timers, (err) => node.log.warn({ err }, "blob sweep failed"));
  return { service, http: createMediaHttp(service, node.log), close: () => service.close(timers) };
}
