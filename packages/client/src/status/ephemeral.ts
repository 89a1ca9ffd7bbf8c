/**
 * Ephemeral send and receive on the SDK side (SPEC EP1, EP6): encrypted like
 * any application message (the ratchet moves; its new state is persisted in
 * the conversation's queue, so it never interleaves with the applier), sent
 * with SendEphemeral instead of SendMessage. Nothing goes to the outbox: a
 * signal that cannot go now is worth nothing later.
 */
import type { Ephemeral } from "@switchboard/protocol";
import type { DeviceIdentity, GroupEngine, GroupMember } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalStore } from "../store/port.js";
import type { SerialQueue } from "../conversations/serialQueue.js";
import { requireConversation } from "../conversations/requireConversation.js";

export interface EphemeralDeps {
  store: LocalStore;
  engine: GroupEngine;
  queue: SerialQueue;
  call: Call;
  identity(): DeviceIdentity;
}

export async function sendEphemeral(
  deps: EphemeralDeps,
  conversationId: string,
  plaintext: Uint8Array,
): Promise<void> {
  const payload = await deps.queue.run(conversationId, async () => {
    const conversation = await requireConversation(deps.store, conversationId);
    const { engine } = deps;
    const { message, newState } = await engine.encrypt(
      deps.identity(),
      engine.loadState(conversation.groupState),
      plaintext,
    );
    await deps.store.write([
      { kind: "putConversation", conversation: { ...conversation, groupState: engine.saveState(newState) } },
    ]);
    return message;
  });
  await deps.call("sendEphemeral", { conversationId, payload });
}

/**
 * Decrypt a pushed ephemeral message; undefined when it cannot be read now
 * (another epoch, a conversation this device left): it is dropped, as the
 * hub would have dropped it for an offline device.
 */
export function receiveEphemeral(
  deps: EphemeralDeps,
  pushed: Ephemeral,
): Promise<{ plaintext: Uint8Array; sender: GroupMember } | undefined> {
  return deps.queue.run(pushed.conversationId, async () => {
    const conversation = await deps.store.getConversation(pushed.conversationId);
    if (!conversation?.active) return undefined;
    const { engine } = deps;
    let result;
    try {
      result = await engine.process(
        deps.identity(),
        engine.loadState(conversation.groupState),
        pushed.payload,
      );
    } catch {
      return undefined;
    }
    if (result.kind !== "application") return undefined;
    await deps.store.write([
      {
        kind: "putConversation",
        conversation: { ...conversation, groupState: engine.saveState(result.newState) },
      },
    ]);
    return { plaintext: result.plaintext, sender: result.sender };
  });
}
