/**
 * Telling PostgreSQL failures apart: which ones mean "try the transaction
 * again" (nothing was committed), and which mean the database cannot be
 * reached (the hub answers UNAVAILABLE and the pool reconnects by itself).
 */

/** The database is unreachable, restarting or too slow; the operation may be retried later. */
export class StoreUnavailableError extends Error {
  readonly code = "UNAVAILABLE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/** The SQLSTATE of a server error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The name of the constraint a server error names, if any. */
export function constraintOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === "string" ? constraint : undefined;
}

/**
 * serialization_failure and deadlock_detected: the server rolled the
 * transaction back, so running it again is safe and is what the server asks.
 */
export function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state === "40001" || state === "40P01";
}

/** Node socket errors that mean the server cannot be reached or the connection broke. */
const SOCKET_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** pg reports a broken connection as a plain Error with one of these messages (pg 8.x: no code). */
const BROKEN_MESSAGES = [/connection terminated unexpectedly/i, /not queryable/i];

/** ... and a timeout it enforces itself (connect, pool checkout, query_timeout) with one of these. */
const TIMEOUT_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection timeout/i,
];

function messageMatches(error: unknown, patterns: RegExp[]): boolean {
  const message =
    typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === "string" && patterns.some((pattern) => pattern.test(message));
}

/**
 * The connection broke or could not be made: class 08 (connection
 * exception), 57P01-57P03 (admin or crash shutdown, cannot connect now), a
 * socket error. A fresh connection may well work.
 */
export function isConnectionLost(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith("08") || /^57P0[123]$/.test(state);
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && SOCKET_ERRORS.has(code)) return true;
  return messageMatches(error, BROKEN_MESSAGES);
}

/**
 * The database cannot serve us now: the connection is lost, there are too
 * many connections (53300), or a statement or connection timed out (57014
 * is the server's statement_timeout). Not worth an immediate retry.
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError || isConnectionLost(error)) return true;
  const state = sqlState(error);
  if (state !== undefined) return state === "53300" || state === "57014";
  return messageMatches(error, TIMEOUT_MESSAGES);
}

/**
 * pg refuses a query on a connection it already knows is broken without
 * sending anything, so even a write is safe to run again elsewhere.
 */
export function wasNeverSent(error: unknown): boolean {
  return error instanceof Error && /not queryable/i.test(error.message);
}

/** The error callers see: StoreUnavailableError for an unreachable database, the error itself otherwise. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`PostgreSQL unavailable: ${reason}`, { cause: error });
}
