/**
 * The web client, served by the hub: `/` is the launcher, `/<app>/` the app
 * for every configured app (one page, branded from the path), `/assets/*` the
 * built files, and `/apps.json` the apps' public brand data. Everything comes
 * from packages/web's build; pages carry a strict Content-Security-Policy: no
 * inline script or style, no third-party requests, WebSocket to this origin.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import type { AppConfig } from "../config/apps.js";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cache-control": "no-cache",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

export interface WebClient {
  /** Answers the request if it is the web client's; false leaves it to the caller. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

/** `root`: the web client's build (packages/web/dist); absent, the pages say how to build it. */
export function createWebClient(root: string | undefined, apps: readonly AppConfig[]): WebClient {
  const appIds = new Set(apps.map((a) => a.id));
  const brands = JSON.stringify(
    apps.map(({ id, displayName, brandColor, identity }) => ({ id, displayName, brandColor, identity })),
  );
  const built = root !== undefined && existsSync(join(root, "index.html"));

  const page = (res: ServerResponse, file: string) => {
    if (!built) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("The web client is not built: run `npm run build` (npm start does).\n");
      return;
    }
    sendFile(res, join(root, file), PAGE_HEADERS);
  };

  return {
    serve(req, res, path) {
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      if (path === "/apps.json") {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" });
        res.end(brands);
        return true;
      }
      // Browsers ask on their own; the pages draw their logos inline.
      if (path === "/favicon.ico") {
        res.writeHead(204, { "cache-control": "public, max-age=86400" });
        res.end();
        return true;
      }
      if (path === "/") {
        page(res, "index.html");
        return true;
      }
      if (path.startsWith("/assets/") && built) {
        // Hashed file names: cache for a year; anything that escapes assets/ is not ours.
        const file = normalize(join(root, path));
        if (!file.startsWith(join(root, "assets") + sep)) return false;
        sendFile(res, file, {
          "cache-control": "public, max-age=31536000, immutable",
          "x-content-type-options": "nosniff",
        });
        return true;
      }
      const segments = path.split("/");
      const appId = segments[1] ?? "";
      if (!appIds.has(appId)) return false;
      if (path === `/${appId}`) {
        res.writeHead(301, { location: `/${appId}/` });
        res.end();
      } else page(res, "app.html");
      return true;
    },
  };
}

function sendFile(res: ServerResponse, file: string, headers: Record<string, string>): void {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error("not a file");
    size = stat.size;
  } catch {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "NOT_FOUND" }));
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": size,
    ...headers,
  });
  if (res.req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
