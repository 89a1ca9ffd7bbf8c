/**
 * The media HTTP endpoints on the hub's server (SPEC MD4, MD5):
 *   /uploads/...   tus 1.0 resumable uploads, with an upload token (Bearer);
 *   GET /blobs/<id> the ciphertext by capability URL, with Range.
 * Errors are JSON `{ "error": CODE, "message": ... }` with the wire codes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Server as TusServer } from "@tus/server";
import { ProtocolError, type ErrorCode } from "@switchboard/protocol";
import type { Logger } from "pino";
import { isBlobId } from "./blobStore.js";
import type { MediaService } from "./mediaService.js";
import { parseRange } from "./range.js";
import { BlobDataStore, blobMetadata } from "./tusDataStore.js";

export const UPLOAD_PATH = "/uploads/";
const BLOB_PATH = "/blobs/";

const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  FILE_TOO_LARGE: 413,
  QUOTA_EXCEEDED: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

function errorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ error: code, message });
}

export interface MediaHttp {
  /** True when the request was one of ours (answered or being answered). */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

export function createMediaHttp(media: MediaService, log: Logger): MediaHttp {
  const tus = new TusServer({
    path: UPLOAD_PATH.slice(0, -1),
    datastore: new BlobDataStore(media.blobs),
    relativeLocation: true,
    // Same origin only: the hub serves the web client itself, so no other site's page may read an answer.
    allowedOrigins: () => false,
    namingFunction: () => media.newBlobId(),
    // Per token: the app's per-file limit, which tus checks on POST and while bytes arrive.
    maxSize: (req) => media.authorize(req.headers.get("authorization")).maxBytes,
    async onIncomingRequest(req, id) {
      const claims = media.authorize(req.headers.get("authorization"));
      if (req.method === "POST") return;
      // Resuming, probing or terminating: only the owner's uploads, and others do not exist.
      const blob = isBlobId(id) ? await media.blobs.info(id) : undefined;
      if (!blob || blob.owner !== claims.account) throw new ProtocolError("NOT_FOUND", "no such upload");
      await media.rateHook("upload", claims.account);
    },
    async onUploadCreate(req, upload) {
      const claims = media.authorize(req.headers.get("authorization"));
      const blob = await media.admitUpload(claims, upload.id, upload.size ?? 0);
      return { metadata: blobMetadata(blob, media.settings.accountQuotaBytes) };
    },
    onResponseError(_req, err) {
      if (err instanceof ProtocolError) {
        return { status_code: STATUS[err.code] ?? 500, body: errorBody(err.code, err.message) };
      }
      // tus's own: 413 is the per-file limit (declared, or bytes past it).
      if ("status_code" in err && err.status_code === 413)
        return { status_code: 413, body: errorBody("FILE_TOO_LARGE", "the file is over its size limit") };
      if ("status_code" in err && err.status_code < 500) return undefined;
      log.warn({ err: err instanceof Error ? err.message : err.body }, "upload failed");
      return { status_code: 500, body: errorBody("INTERNAL", "internal error") };
    },
  });

  return {
    serve(req, res, path) {
      if (path.startsWith(UPLOAD_PATH) || path === UPLOAD_PATH.slice(0, -1)) {
        // tus's GET would read an upload back; downloads are /blobs/<id> only.
        if (req.method === "GET") answer(res, 404, "NOT_FOUND", "download at /blobs/<id>");
        else
          tus.handle(req, res).catch((err: unknown) => {
            log.warn({ err }, "upload request failed");
            if (!res.headersSent) answer(res, 500, "INTERNAL", "internal error");
            else res.destroy();
          });
        return true;
      }
      if (path.startsWith(BLOB_PATH)) {
        download(media, req, res, path.slice(BLOB_PATH.length)).catch((err: unknown) => {
          if (err instanceof ProtocolError) {
            if (!res.headersSent) return answer(res, STATUS[err.code] ?? 500, err.code, err.message);
          } else log.warn({ err }, "download failed");
          if (!res.headersSent) answer(res, 500, "INTERNAL", "internal error");
          else res.destroy();
        });
        return true;
      }
      return false;
    },
  };
}

function answer(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(errorBody(code, message));
}

/** The ciphertext, streamed a chunk at a time; the id is the capability (SPEC MD5). */
async function download(
  media: MediaService,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return answer(res, 405, "BAD_FRAME", "GET or HEAD");
  }
  await media.rateHook("download", req.socket.remoteAddress ?? "");
  const blob = isBlobId(id) ? await media.downloadable(id) : undefined;
  if (!blob) return answer(res, 404, "NOT_FOUND", "no such blob");
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "accept-ranges": "bytes",
    // Never cached by a shared cache, and the capability URL never leaks as a Referer.
    "cache-control": "private, max-age=86400, immutable",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
  const range = parseRange(req.headers.range, blob.size);
  if (range.kind === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${blob.size}`, "content-length": "0" });
    res.end();
    return;
  }
  const [start, end] = range.kind === "partial" ? [range.start, range.end] : [0, blob.size];
  const status = range.kind === "partial" ? 206 : 200;
  if (range.kind === "partial") headers["content-range"] = `bytes ${start}-${end - 1}/${blob.size}`;
  headers["content-length"] = String(end - start);
  if (req.method === "HEAD") {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const bytes = await media.blobs.read(id, start, end);
  if (!bytes) return answer(res, 404, "NOT_FOUND", "no such blob");
  res.writeHead(status, headers);
  await pipeline(Readable.from(bytes, { objectMode: false }), res);
}
