/**
 * The hub's plain HTTP: liveness (/healthz: the process answers), readiness
 * (/readyz: the Store and the Bus answer too, so a balancer sends no devices
 * to a node that cannot serve them), Prometheus metrics (/metrics), and the
 * web client (/, /<app>/, /assets/*, /apps.json).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { MediaHttp } from "../media/mediaHttp.js";
import type { WebClient } from "./webClient.js";

export interface HttpEndpointDeps {
  /** Devices connected to this node (in /healthz). */
  deviceCount(): number;
  /** Each dependency's readiness check: resolves when it can serve now. */
  readiness: Record<string, () => Promise<void>>;
  registry: Registry;
  log: Logger;
  /** The web client (webClient.ts): its pages, assets and /apps.json. */
  web: WebClient;
  /** Attachments (media/mediaHttp.ts): tus uploads and blob downloads, when the hub has them. */
  media?: MediaHttp;
}

/** A readiness check that has not answered in this long counts as down. */
export const READINESS_TIMEOUT_MS = 2_000;

export function serveHttp(req: IncomingMessage, res: ServerResponse, deps: HttpEndpointDeps): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (deps.media?.serve(req, res, path)) return;
  if (deps.web.serve(req, res, path)) return;
  if (req.method === "GET" && path === "/healthz") {
    return json(res, 200, { status: "ok", devices: deps.deviceCount() });
  }
  if (req.method === "GET" && path === "/readyz") {
    void readiness(deps).then((checks) => {
      const ready = Object.values(checks).every((c) => c === "ok");
      json(res, ready ? 200 : 503, { status: ready ? "ready" : "not_ready", checks });
    });
    return;
  }
  if (req.method === "GET" && path === "/metrics") {
    deps.registry.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": deps.registry.contentType });
        res.end(text);
      },
      (err: unknown) => {
        deps.log.error({ err }, "metrics collection failed");
        json(res, 500, { error: "INTERNAL" });
      },
    );
    return;
  }
  json(res, 404, { error: "NOT_FOUND" });
}

async function readiness(deps: HttpEndpointDeps): Promise<Record<string, string>> {
  const names = Object.keys(deps.readiness);
  const results = await Promise.allSettled(names.map((name) => withTimeout(deps.readiness[name]!())));
  const checks: Record<string, string> = {};
  results.forEach((result, i) => {
    const name = names[i]!;
    if (result.status === "fulfilled") checks[name] = "ok";
    else {
      checks[name] = "down";
      deps.log.warn({ err: result.reason as unknown, check: name }, "not ready");
    }
  });
  return checks;
}

function withTimeout(check: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("readiness check timed out")), READINESS_TIMEOUT_MS);
    check.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
