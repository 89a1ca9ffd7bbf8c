/**
 * Runs code in real Chromium from a Node vitest file: bundles a page entry
 * with esbuild (platform browser, "vitest" aliased to page/vitestShim.ts so
 * shared suites run unchanged), serves it from http://127.0.0.1 (a secure
 * context, as WebCrypto needs) and drives Debian's chromium with
 * playwright-core. No browser is ever downloaded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { launchChromium } from "../../../../devkit/chromium.js";

export { CHROMIUM_PATH } from "../../../../devkit/chromium.js";

const shim = fileURLToPath(new URL("./page/vitestShim.ts", import.meta.url));

/** The page entry bundled for the browser, as one ES module. */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    alias: { vitest: shim },
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export interface PageServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const PAGE_HTML = `<!doctype html><meta charset="utf-8"><title>switchboard browser test</title><script type="module" src="/bundle.js"></script>`;

/** Serve the bundle at http://127.0.0.1:<port>/; `extra` may answer other paths first. */
export async function servePage(
  script: string,
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<PageServer> {
  const server = createServer((req, res) => {
    if (extra?.(req, res)) return;
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE_HTML);
    } else if (path === "/favicon.ico") {
      res.writeHead(204).end();
    } else if (path === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { launchChromium };

/** Collect what the page logs and throws, to show when a page test fails. */
export function pageLog(page: Page): string[] {
  const lines: string[] = [];
  page.on("console", (m) => lines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => lines.push(`[pageerror] ${e.message}`));
  return lines;
}
