/**
 * How a Store adapter bounds a page read by bytes (port.ts, readLog and
 * readInbox): rows are taken in order while the payload bytes taken BEFORE a
 * row are within the budget, so reading stops right after the row that takes
 * the total over it. That row is returned too: it is how the caller knows more
 * follows without a second query, and it costs at most one payload more than
 * the budget.
 */
export function takeWithinBudget<R>(
  rows: Iterable<R>,
  limit: number,
  maxBytes: number,
  payloadBytes: (row: R) => number,
): R[] {
  const taken: R[] = [];
  if (!(limit > 0)) return taken;
  let bytes = 0;
  // Leaving the loop early returns the iterator: a statement stops stepping.
  for (const row of rows) {
    taken.push(row);
    bytes += payloadBytes(row);
    if (taken.length >= limit || bytes > maxBytes) break;
  }
  return taken;
}

/** The budget when a caller gives none. */
export const NO_BYTE_BUDGET = Number.POSITIVE_INFINITY;
