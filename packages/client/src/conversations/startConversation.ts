/**
 * Starting a conversation from this device: the direct one with an address
 * (the existing one if this account has it) or a new group. The MLS group
 * is made here and names the hub as its external sender; the hub is told of
 * it, it is stored with only this device in it, and the commit that adds
 * its members follows (commits.ts).
 */
import { ConversationKind, ProtocolError, toHex } from "@switchboard/protocol";
import { ClientError } from "../errors.js";
import type { DeviceIdentity, GroupEngine } from "../mls/engine.js";
import type { Call } from "../session/call.js";
import type { LocalConversation, LocalStore } from "../store/port.js";
import type { Committer } from "./commits.js";
import { newConversation } from "./newConversation.js";

export interface StartConversationDeps {
  store: LocalStore;
  engine: GroupEngine;
  call: Call;
  committer: Committer;
  identity(): DeviceIdentity;
  /** The hub's external-sender key, which every new group names (it proposes revoked devices' removal). */
  hubKey(): Promise<Uint8Array>;
  /** The account's address as the hub spells it. */
  lookup(address: string): Promise<string>;
  sync(): Promise<void>;
  onConversation(conversation: LocalConversation): void;
  clock(): number;
}

/** The direct conversation with `address` (all of their devices and this account's others), made if needed. */
export async function openDirect(deps: StartConversationDeps, address: string): Promise<string> {
  const peer = await deps.lookup(address);
  const found = await findDirect(deps.store, peer);
  if (found) return found;
  const groupId = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const conversationId = toHex(groupId);
  const { state, groupInfo } = await deps.engine.createGroup(deps.identity(), groupId, {
    externalSender: await deps.hubKey(),
  });
  try {
    await deps.call("createConversation", {
      conversationId,
      kind: ConversationKind.DIRECT,
      peer,
      groupInfo,
    });
  } catch (err) {
    if (err instanceof ProtocolError && err.code === "ALREADY_EXISTS" && err.details.existingId) {
      await deps.sync();
      const existing = await findDirect(deps.store, peer);
      if (existing) return existing;
      throw new ClientError("NOT_A_MEMBER", `a conversation with ${peer} exists that this device is not in`, {
        cause: err,
      });
    }
    throw err;
  }
  await saveNewConversation(deps, conversationId, "direct", "", peer, state);
  await deps.committer.addParticipants(conversationId, [peer, deps.identity().address]);
  return conversationId;
}

/** A new group with members from any app; resolves to its conversation id. */
export async function createGroup(
  deps: StartConversationDeps,
  title: string,
  addresses: string[],
): Promise<string> {
  const groupId = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const conversationId = toHex(groupId);
  const { state, groupInfo } = await deps.engine.createGroup(deps.identity(), groupId, {
    externalSender: await deps.hubKey(),
    settings: { admins: [deps.identity().address], everyoneManages: false }, // [GR1] the creator is its admin
  });
  await deps.call("createConversation", { conversationId, kind: ConversationKind.GROUP, groupInfo });
  await saveNewConversation(deps, conversationId, "group", title, null, state);
  await deps.committer.addParticipants(conversationId, [...addresses, deps.identity().address]);
  return conversationId;
}

async function findDirect(store: LocalStore, peer: string): Promise<string | undefined> {
  const all = await store.listConversations();
  return all.find((c) => c.kind === "direct" && c.peer === peer && c.active)?.id;
}

async function saveNewConversation(
  deps: StartConversationDeps,
  id: string,
  kind: "direct" | "group",
  title: string,
  peer: string | null,
  state: Parameters<GroupEngine["saveState"]>[0],
): Promise<void> {
  const fields = { id, kind, title, peer };
  const conversation = newConversation(deps.engine, fields, deps.identity().address, state, deps.clock());
  await deps.store.write([{ kind: "putConversation", conversation }]);
  deps.onConversation(conversation);
}
