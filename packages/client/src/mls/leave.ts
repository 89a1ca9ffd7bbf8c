/**
 * [GR6] Leaving a group. RFC 9420 §12.2 forbids a commit that removes its
 * own committer, so the leaving device proposes the Remove of each of its
 * account's devices (PublicMessages, so the hub can check that a member
 * proposes only its own account's removal) and another member's next
 * commit carries the proposals by reference.
 */
import { createProposal, encodeMlsMessage } from "ts-mls";
import type { CiphersuiteImpl, ClientState, Proposal } from "ts-mls";
import { engineError } from "./errors.js";
import { membersOf } from "./members.js";
import { EngineGroupState } from "./state.js";

export async function proposeLeave(
  cs: CiphersuiteImpl,
  from: EngineGroupState,
  client: ClientState,
  address: string,
): Promise<{ proposals: Uint8Array[]; newState: EngineGroupState }> {
  const own = membersOf(client.ratchetTree).filter((m) => m.address === address);
  const proposals: Uint8Array[] = [];
  let state = client;
  try {
    for (const member of own) {
      const proposal: Proposal = { proposalType: "remove", remove: { removed: member.leafIndex } };
      const result = await createProposal(state, true, proposal, cs);
      proposals.push(encodeMlsMessage(result.message));
      state = result.newState;
    }
  } catch (e) {
    throw engineError(e, "MLS_INTERNAL", "leave proposal");
  }
  return { proposals, newState: new EngineGroupState(state, [], from) };
}
