/**
 * Real conversations for the load generator, made with the real SDK and real
 * MLS: devices register, groups are created and joined through Welcomes, and
 * the sender pre-encrypts a set of application messages. The load generator
 * then replays those ciphertexts under fresh client message ids: the hub
 * checks only their framing and group, so it cannot tell them from live
 * traffic, and the load generator is not limited by client-side crypto.
 */
import { SwitchboardClient, createMemoryStore } from "../../packages/client/src/index.js";
import { createTsMlsEngine } from "../../packages/client/src/mls/index.js";
import type { DeviceIdentity, GroupEngine } from "../../packages/client/src/mls/engine.js";
import { createWebSocketTransport } from "../../packages/client/src/transport/wsTransport.js";
import type { DeviceKeys } from "./wireDevice.js";

export interface BenchConversation {
  id: string;
  /** members[0] is the sender; the rest receive. */
  members: DeviceKeys[];
  /** Pre-encrypted MLS PrivateMessages from members[0]. */
  payloads: Uint8Array[];
  /** The group's epoch when the payloads were encrypted (sent as SendMessageRequest.epoch). */
  epoch: number;
}

export interface FixtureOptions {
  conversations: number;
  /** Devices per conversation, the sender included (2 for a direct chat). */
  membersPerConversation: number;
  /** Target ciphertext size in bytes (e.g. 256 or 2048). */
  payloadBytes: number;
  payloadsPerConversation?: number;
  /** Address prefix, unique per fixture on one hub. */
  prefix: string;
  progress?: (done: number, total: number) => void;
}

interface Member {
  client: SwitchboardClient;
  keys: DeviceKeys;
  identity: DeviceIdentity;
}

async function newMember(server: string, engine: GroupEngine, address: string): Promise<Member> {
  const store = createMemoryStore();
  const client = new SwitchboardClient({ store, engine, transport: (url) => createWebSocketTransport(url) });
  await client.register(server, address);
  const stored = (await store.getIdentity())!;
  return {
    client,
    keys: { deviceId: stored.deviceId, privateKey: stored.signaturePrivateKey },
    identity: {
      address: stored.address,
      deviceId: stored.deviceId,
      signaturePublicKey: stored.signaturePublicKey,
      signaturePrivateKey: stored.signaturePrivateKey,
    },
  };
}

// MLS PrivateMessage framing, signature and AEAD tag add exactly this much to
// the plaintext (measured with ts-mls 1.6.4: 1000 -> 1146, 1902 -> 2048). The
// SDK's padding (ts-mls defaultPaddingConfig) makes 334 bytes the smallest
// ciphertext, so a 256-byte target comes out at 334: the smallest real message.
const CIPHERTEXT_OVERHEAD = 146;

export async function makeConversations(
  server: string,
  options: FixtureOptions,
): Promise<BenchConversation[]> {
  const engine = await createTsMlsEngine({ crypto: "node" });
  const out: BenchConversation[] = [];
  for (let c = 0; c < options.conversations; c++) {
    const members: Member[] = [];
    for (let m = 0; m < options.membersPerConversation; m++) {
      members.push(await newMember(server, engine, `${options.prefix}c${c}m${m}@instagram`));
    }
    const [sender, ...others] = members as [Member, ...Member[]];
    const id =
      options.membersPerConversation === 2
        ? await sender.client.openDirect(others[0]!.client.address)
        : await sender.client.createGroup(
            `bench ${c}`,
            others.map((o) => o.client.address),
          );
    // Receivers join through their Welcomes (a sync reads the inbox).
    for (const o of others) await o.client.sync();
    const conversation = (await sender.client.conversations()).find((x) => x.id === id)!;
    let state = engine.loadState(conversation.groupState);
    const identity = sender.identity;
    const plaintext = new Uint8Array(Math.max(1, options.payloadBytes - CIPHERTEXT_OVERHEAD)).fill(0x61);
    const payloads: Uint8Array[] = [];
    for (let p = 0; p < (options.payloadsPerConversation ?? 16); p++) {
      const { message, newState } = await engine.encrypt(identity, state, plaintext);
      payloads.push(message);
      state = newState;
    }
    out.push({ id, members: members.map((m) => m.keys), payloads, epoch: conversation.epoch });
    await Promise.all(members.map((m) => m.client.close()));
    options.progress?.(c + 1, options.conversations);
  }
  return out;
}
