/**
 * What a commit leaves behind. ts-mls hands back only some used secrets
 * (`consumed`: the old init_secret, used ratchet keys). After a commit the
 * old epoch's other secrets (exporter, external, confirmation, membership
 * keys), HPKE private keys replaced along the path, and epochs that fell out
 * of the retention window are dead too; RFC 9420 §9.2 and §16.6 ask for them
 * to be deleted so a later compromise cannot read the past. We find them by
 * identity: every secret array reachable from the old state and not from
 * the new one.
 */
import type { ClientState, GenerationSecret, SecretTree } from "ts-mls";

// Plain loops, not generators: a 1,000-device state has five secret trees of
// 2,047 nodes each (the current epoch's and the past ones ts-mls keeps), and
// this runs on every commit. Empty arrays (placeholders) hold no secret.
function addRatchet(out: Set<Uint8Array>, ratchet: GenerationSecret): void {
  if (ratchet.secret.length > 0) out.add(ratchet.secret);
  for (const generation in ratchet.unusedGenerations) out.add(ratchet.unusedGenerations[generation]!);
}

function addTree(out: Set<Uint8Array>, tree: SecretTree): void {
  for (const node of tree) {
    addRatchet(out, node.application);
    addRatchet(out, node.handshake);
  }
}

function stateSecrets(state: ClientState): Set<Uint8Array> {
  const out = new Set<Uint8Array>();
  const keySchedule: Record<string, Uint8Array> = { ...state.keySchedule };
  for (const secret of Object.values(keySchedule)) out.add(secret);
  for (const secret of Object.values(state.privatePath.privateKeys)) out.add(secret);
  addTree(out, state.secretTree);
  for (const epoch of state.historicalReceiverData.values()) {
    out.add(epoch.senderDataSecret);
    out.add(epoch.resumptionPsk);
    addTree(out, epoch.secretTree);
  }
  return out;
}

/** Secrets of `before` that `after` no longer references. Never includes the signature key. */
export function retiredSecrets(before: ClientState, after: ClientState): Uint8Array[] {
  const live = stateSecrets(after);
  return [...stateSecrets(before)].filter((secret) => !live.has(secret));
}

/** Every secret of a state that is dead as a whole (this device was removed). */
export function allSecrets(state: ClientState): Uint8Array[] {
  return [...stateSecrets(state)];
}
