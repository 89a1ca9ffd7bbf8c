/**
 * A conversation's last seq on SQLite (SPEC ST51): the larger of the
 * `last_seq` column and the highest seq in its log. Appends insert their
 * entries and leave the conversation's row alone: rewriting that row (and
 * the page of the GroupInfo it carries) in every batch, for every
 * conversation in it, was one more page per conversation per COMMIT, and
 * at moderate load a COMMIT is most of an append's cost (bench/README.md,
 * "CPU per message"). The highest seq is one step down the (conversation_id,
 * seq) index. Commits and hub proposals still set the column, and whatever
 * deletes entries (the pruner, expiry) first raises the column to the
 * highest seq, in the same transaction, so a seq is never handed out twice
 * even once the log is empty.
 */

/** The SQL for conversation `alias`'s last seq. */
export function headSeq(alias: string): string {
  return `max(${alias}.last_seq, coalesce((SELECT max(hl.seq) FROM log hl WHERE hl.conversation_id = ${alias}.id), 0))`;
}

/** The columns of a ConversationRow (rows.ts) from conversations `alias`, last_seq as above. */
export function conversationColumns(alias: string): string {
  return `${alias}.id, ${alias}.kind, ${alias}.epoch, ${headSeq(alias)} AS last_seq, ${alias}.created_at, ${alias}.group_info`;
}

/** Raise the column to the log's highest seq before entries are deleted (one bound parameter: the id). */
export const SETTLE_LAST_SEQ = `UPDATE conversations AS c SET last_seq = ${headSeq("c")} WHERE c.id = ?`;
