import type { LogEntryRecord, NewMessage } from "../port.js";
import { appendBatch, type BatchOutcome } from "../algorithms/append.js";
import { runAsync } from "../algorithms/step.js";
import type { Database } from "./database.js";
import type { InboxQueries } from "./inbox.js";
import { PgLogTx } from "./logTx.js";
import { budgetParam, budgetedPage } from "./pageQuery.js";
import { toLogEntry, type LogRow } from "./rows.js";

/** The per-conversation ordered log. */
export class LogQueries {
  constructor(
    private readonly db: Database,
    private readonly inbox: InboxQueries,
  ) {}

  /**
   * Append a batch whose messages have distinct (conversation, sender,
   * client message id) keys, in one transaction: the shared algorithm
   * (algorithms/append.ts) over PgLogTx, three statements whatever the batch
   * size. Answers each message in batch order; rejects as a whole only when
   * the transaction fails (nothing is then stored).
   */
  appendBatch(messages: NewMessage[]): Promise<BatchOutcome[]> {
    return this.db.transaction((tx) => runAsync(appendBatch(new PgLogTx(tx, this.inbox), messages)));
  }

  /** The byte budget is applied in SQL (budgetedPage), so only the returned rows' payloads are read. */
  async read(
    conversationId: string,
    afterSeq: number,
    limit: number,
    maxBytes: number,
  ): Promise<LogEntryRecord[]> {
    // PostgreSQL refuses a negative LIMIT; the port means "nothing".
    if (!(limit > 0)) return [];
    const rows = await this.db.read<LogRow>(budgetedPage("log", "conversation_id", "seq"), [
      conversationId,
      afterSeq,
      limit,
      budgetParam(maxBytes),
    ]);
    return rows.map(toLogEntry);
  }
}
