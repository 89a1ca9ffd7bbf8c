import type { AppendProposalResult, CommitResult, NewCommit, NewProposal } from "../port.js";
import { applyCommit } from "../algorithms/commit.js";
import { appendProposal } from "../algorithms/proposal.js";
import { runAsync } from "../algorithms/step.js";
import type { Database } from "./database.js";
import type { InboxQueries } from "./inbox.js";
import { PgLogTx } from "./logTx.js";

/**
 * Commits and the hub's proposals: the shared algorithms (store/algorithms)
 * over PgLogTx, each in one READ COMMITTED transaction that starts by locking
 * the conversation row. Every node takes that lock before writing the
 * conversation's log, so the epoch check and the epoch bump cannot
 * interleave with another writer anywhere in the cluster: exactly one commit
 * wins per epoch (SPEC DS1).
 */
export class CommitQueries {
  constructor(
    private readonly db: Database,
    private readonly inbox: InboxQueries,
  ) {}

  apply(commit: NewCommit): Promise<CommitResult> {
    return this.db.transaction((tx) => runAsync(applyCommit(new PgLogTx(tx, this.inbox), commit)));
  }

  appendProposal(proposal: NewProposal): Promise<AppendProposalResult> {
    return this.db.transaction((tx) => runAsync(appendProposal(new PgLogTx(tx, this.inbox), proposal)));
  }
}
