/**
 * Limits on client connections (DESIGN rule 6: every input an outsider
 * controls has a limit). Each has a default; HubOptions.connections overrides
 * any of them.
 */
export interface ConnectionSettings {
  /**
   * Bytes a connection may have queued toward its client (the socket's
   * bufferedAmount plus what the requests it is running may still answer).
   * Over it the hub stops reading that socket and drops pushes (the client
   * syncs); responses are never dropped.
   */
  sendBudgetBytes: number;
  /**
   * Answer bytes (as reserved by the requests that may answer with a whole
   * frame) that all connections together may start in one event-loop turn
   * (SPEC EG7, turnBudget.ts). Bounds how long one turn can take however
   * many clients fetch at once, so /healthz and small requests keep moving.
   */
  answerBytesPerTurn: number;
  /** A connection whose budget stays full this long is closed with CLOSE_TOO_SLOW. */
  stuckCloseMs: number;
  /** A connection that has not sent Hello this long after opening is closed. */
  helloDeadlineMs: number;
  /** Largest frame accepted before Hello, checked before decoding. */
  maxPreHelloFrameBytes: number;
  /** Most open WebSocket connections on this node; more are refused with HTTP 503. */
  maxConnections: number;
  /** Most open WebSocket connections from one IP address on this node; more get HTTP 503. */
  maxConnectionsPerIp: number;
  /**
   * Behind a balancer: take the client's address from the last entry of
   * X-Forwarded-For (the one the balancer appended) instead of the TCP peer.
   * Only with a balancer that sets it: otherwise a client picks its own address.
   */
  trustForwardedFor: boolean;
  /**
   * Web origins ("https://chat.example.com") whose pages may open a
   * WebSocket to the hub, besides the hub's own (its web client). A request
   * without an Origin header (the CLI, an app's native client) is always
   * allowed; a browser page from any other origin is refused with HTTP 403,
   * so a page elsewhere cannot use a visitor's browser against the hub.
   */
  allowedOrigins: string[];
}

export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = {
  sendBudgetBytes: 1024 * 1024,
  answerBytesPerTurn: 1024 * 1024,
  stuckCloseMs: 30_000,
  helloDeadlineMs: 10_000,
  maxPreHelloFrameBytes: 4096,
  maxConnections: 20_000,
  maxConnectionsPerIp: 1000,
  trustForwardedFor: false,
  allowedOrigins: [],
};

/**
 * SPEC EG6: may a WebSocket upgrade with this Origin header proceed? The
 * hub's own origin is recognised by host (Origin's host equals the Host
 * header), whatever the scheme a balancer terminated.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host.toLowerCase()) return true;
  return allowedOrigins.some((allowed) => {
    try {
      return new URL(allowed).origin === parsed.origin;
    } catch {
      return false;
    }
  });
}

/** The client's IP address for per-IP limits. */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  settings: Pick<ConnectionSettings, "trustForwardedFor">,
): string {
  if (settings.trustForwardedFor && forwardedFor !== undefined) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    const last = header.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return peer ?? "";
}

/** Timers, injectable so tests fire deadlines themselves instead of waiting. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
