/**
 * The one path every outgoing message takes (text, reply, reaction, edit,
 * delete): commit pending removals first ([DS9]: nothing is encrypted to a
 * revoked device), encrypt into the outbox with its local changes, deliver.
 */
import { isContentMessageId } from "../content/ids.js";
import type { RuleVerdict } from "../content/rules.js";
import { ClientError } from "../errors.js";
import type { DeviceIdentity } from "../mls/engine.js";
import { MlsEngineError } from "../mls/errors.js";
import type { LocalConversation, LocalMessage, LocalStore } from "../store/port.js";
import type { SerialQueue } from "./serialQueue.js";
import type { CommitOutcome } from "./commits.js";
import type { Delivered, Outbox, OutgoingDraft } from "./outbox.js";

export interface SendDeps {
  store: LocalStore;
  /** The per-conversation queue the applier also runs in: a local change never interleaves with one. */
  queue: SerialQueue;
  outbox: Outbox;
  commitPendingRemovals(conversationId: string): Promise<CommitOutcome>;
  identity(): DeviceIdentity;
  clock(): number;
  /**
   * An outgoing message as stored: once when it enters the outbox (no seq
   * yet: an app shows it as sending, offline too) and again once the hub
   * has it (with its seq). The client's `message` event.
   */
  stored(message: LocalMessage): void;
  /** The conversation's disappearing-message timer in seconds, null when off (SPEC XP4). */
  expiresAfterSeconds?(conversation: LocalConversation): number | null;
  /** Delete one's own blob at the hub (a file message deleted for everyone, SPEC MD14). */
  deleteBlob?(blobId: string): Promise<void>;
}

export type Draft = (conversation: LocalConversation, now: number) => Promise<OutgoingDraft> | OutgoingDraft;

/** Resolves once the hub stored it, with its id and where (undefined: it had been delivered already). */
export async function sendContent(
  deps: SendDeps,
  conversationId: string,
  draft: Draft,
): Promise<{ id: string; delivered: Delivered | undefined }> {
  await deps.commitPendingRemovals(conversationId);
  let queued: OutgoingDraft;
  try {
    queued = await deps.outbox.enqueue(conversationId, draft);
  } catch (err) {
    // A removal was proposed between the commit above and the encryption.
    if (!(err instanceof MlsEngineError) || err.code !== "MLS_PROPOSALS_PENDING") throw err;
    await deps.commitPendingRemovals(conversationId);
    queued = await deps.outbox.enqueue(conversationId, draft);
  }
  for (const write of queued.writes) if (write.kind === "putMessage") deps.stored(write.message);
  const delivered = await deps.outbox.deliver(conversationId, queued.id);
  if (queued.writes.some((w) => w.kind === "putMessage")) {
    const sent = await deps.store.getMessage(conversationId, queued.id);
    if (sent) deps.stored(sent);
  }
  return { id: queued.id, delivered };
}

/** A rule's refusal as the SDK's typed error. */
export function refuse(verdict: RuleVerdict): void {
  if (!verdict.ok) throw new ClientError(verdict.code, verdict.reason);
}

/**
 * Ids in the API are lowercase hex; accept any case from a person typing one.
 * Only MIMI messages can be replied to, reacted to, edited or deleted for
 * everyone: a legacy message's id is not a MIMI id (SPEC CT3).
 */
export function normaliseId(id: string): string {
  const lower = id.toLowerCase();
  if (!isContentMessageId(lower))
    throw new ClientError("UNKNOWN_MESSAGE", `"${id}" is not the id of a message in MIMI content`);
  return lower;
}
