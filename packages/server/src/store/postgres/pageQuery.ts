/**
 * A page read bounded by count and by payload bytes, with the same rule as
 * the SQLite adapter (../pageBudget.ts): rows in key order while the payload
 * bytes BEFORE a row are within the budget ($4; NULL for none). The window
 * runs over key and octet_length only, which PostgreSQL answers from a
 * TOASTed value's header without fetching it; payloads are read only for the
 * rows the outer query returns. WindowAgg streams, so the LIMIT stops it.
 */
export function budgetedPage(table: "log" | "inbox", owner: string, key: string): string {
  return `
    SELECT t.* FROM ${table} t JOIN (
      SELECT ${key} AS k,
             coalesce(sum(octet_length(payload)) OVER (ORDER BY ${key} ROWS UNBOUNDED PRECEDING), 0)
               - octet_length(payload) AS before
      FROM ${table} WHERE ${owner} = $1 AND ${key} > $2 ORDER BY ${key} LIMIT $3
    ) w ON t.${owner} = $1 AND t.${key} = w.k
    WHERE $4::bigint IS NULL OR w.before <= $4::bigint
    ORDER BY t.${key}`;
}

/** A byte budget as the query's $4: PostgreSQL has no infinite bigint. */
export function budgetParam(maxBytes: number): number | null {
  return Number.isFinite(maxBytes) ? Math.max(0, Math.floor(maxBytes)) : null;
}
