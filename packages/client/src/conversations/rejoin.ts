/**
 * Rejoining a conversation whose history this device can no longer read:
 * the hub pruned entries it had not fetched (HISTORY_EXPIRED, [DS12]), so
 * its MLS state cannot be brought forward. It joins again by external
 * commit from the latest GroupInfo, removing its old leaf in the same commit
 * (RFC 9420 §12.4.3.2, "resync"), and carries on from that commit's seq.
 * What was said between its last applied entry and the rejoin is lost to it.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalConversation, LocalStore } from "../store/port.js";
import { participantsOf } from "./applier.js";
import { randomClientId } from "./clientIds.js";

/** Another member's commit may win the epoch between our GroupInfo read and our commit ([DS1]). */
const MAX_REJOIN_ATTEMPTS = 5;

export interface RejoinDeps {
  store: LocalStore;
  engine: GroupEngine;
  call: Call;
  identity(): DeviceIdentity;
  clock(): number;
}

/**
 * Join `conversation` again; the caller holds its serial queue. Resolves to
 * the conversation as stored, its applied position at the rejoin commit.
 */
export async function rejoinConversation(
  deps: RejoinDeps,
  conversation: LocalConversation,
): Promise<LocalConversation> {
  for (let attempt = 1; ; attempt++) {
    const { groupInfo } = await deps.call("getGroupInfo", { conversationId: conversation.id });
    const pending = await deps.engine.joinExternal(deps.identity(), groupInfo);
    let seq: number;
    try {
      const accepted = await deps.call("commit", {
        conversationId: conversation.id,
        clientMessageId: randomClientId(),
        epoch: BigInt(pending.epoch),
        commit: pending.commit,
        welcome: new Uint8Array(),
        groupInfo: pending.groupInfo,
      });
      seq = Number(accepted.seq);
    } catch (err) {
      const lostRace = err instanceof ProtocolError && err.code === "EPOCH_CONFLICT";
      if (lostRace && attempt < MAX_REJOIN_ATTEMPTS) continue;
      throw err;
    }
    const rejoined: LocalConversation = {
      ...conversation,
      groupState: deps.engine.saveState(pending.newState),
      epoch: pending.newState.epoch,
      participants: participantsOf(deps.engine, pending.newState),
      appliedSeq: seq,
      active: true,
      updatedAt: deps.clock(),
    };
    await deps.store.write([{ kind: "putConversation", conversation: rejoined }]);
    return rejoined;
  }
}
