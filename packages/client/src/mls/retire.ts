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
import type { ClientState, SecretTree } from "ts-mls";

function* treeSecrets(tree: SecretTree): Generator<Uint8Array> {
  for (const node of tree) {
    for (const ratchet of [node.application, node.handshake]) {
      yield ratchet.secret;
      yield* Object.values(ratchet.unusedGenerations);
    }
  }
}

function* stateSecrets(state: ClientState): Generator<Uint8Array> {
  yield* Object.values(state.keySchedule);
  yield* Object.values(state.privatePath.privateKeys);
  yield* treeSecrets(state.secretTree);
  for (const epoch of state.historicalReceiverData.values()) {
    yield epoch.senderDataSecret;
    yield epoch.resumptionPsk;
    yield* treeSecrets(epoch.secretTree);
  }
}

/** Secrets of `before` that `after` no longer references. Never includes the signature key. */
export function retiredSecrets(before: ClientState, after: ClientState): Uint8Array[] {
  const live = new Set(stateSecrets(after));
  const retired = new Set<Uint8Array>();
  for (const secret of stateSecrets(before)) if (!live.has(secret)) retired.add(secret);
  return [...retired];
}

/** Every secret of a state that is dead as a whole (this device was removed). */
export function allSecrets(state: ClientState): Uint8Array[] {
  return [...new Set(stateSecrets(state))];
}
