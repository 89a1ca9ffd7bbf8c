/**
 * One direct conversation between two fresh devices, built with the real MLS
 * engine and the real protocol but none of the SDK's round trips: A creates
 * the group (epoch-0 GroupInfo), adds B by a commit with a Welcome, B joins
 * from that Welcome and clears its inbox, both acknowledge the commit, then
 * each sends `messages` real application messages that the other has not
 * fetched. The hub sees exactly what two SDKs would send it.
 *
 * One shortcut: B's KeyPackage is made locally and handed to A, instead of
 * being uploaded and claimed (two round trips and a store write per pair).
 * The hub checks an added device through the KeyPackage's credential and its
 * own directory, not through its KeyPackage store, so the commit is the same.
 */
import { randomBytes } from "node:crypto";
import { ConversationKind, toHex } from "@switchboard/protocol";
import type { GroupEngine, GroupState } from "../../packages/client/src/mls/engine.js";
import { engineIdentity, newBenchDevice, registerDevice, type BenchDevice } from "./benchDevice.js";
import { expectResult as expect } from "./expectResult.js";
import type { WireDevice } from "./wireDevice.js";

export interface DirectPair {
  conversationId: string;
  devices: [BenchDevice, BenchDevice];
}

// MLS framing adds 146 bytes (bench/lib/fixtures.ts); padding makes ~334 B the smallest message.
const PLAINTEXT = new Uint8Array(110).fill(0x61);

async function sendReal(
  engine: GroupEngine,
  wire: WireDevice,
  device: BenchDevice,
  state: GroupState,
  conversationId: string,
  messages: number,
): Promise<void> {
  for (let m = 0; m < messages; m++) {
    const { message, newState } = await engine.encrypt(engineIdentity(device), state, PLAINTEXT);
    state = newState;
    await expect(
      wire,
      {
        case: "sendMessage",
        value: { conversationId, clientMessageId: `m${m}`, payload: message, epoch: BigInt(state.epoch) },
      },
      "sendMessage",
    );
  }
}

export async function makeDirectPair(
  server: string,
  engine: GroupEngine,
  addresses: [string, string],
  messages: number,
): Promise<DirectPair> {
  const a = newBenchDevice(addresses[0]);
  const b = newBenchDevice(addresses[1]);
  const [wa, wb] = await Promise.all([registerDevice(server, a), registerDevice(server, b)]);
  try {
    const groupId = new Uint8Array(randomBytes(16));
    const conversationId = toHex(groupId);
    const created = await engine.createGroup(engineIdentity(a), groupId, {
      externalSender: wa.hubSignatureKey,
    });
    await expect(
      wa,
      {
        case: "createConversation",
        value: {
          conversationId,
          kind: ConversationKind.DIRECT,
          peer: b.address,
          groupInfo: created.groupInfo,
        },
      },
      "createConversation",
    );
    const keyPackage = await engine.generateKeyPackage(engineIdentity(b));
    const add = await engine.createCommit(engineIdentity(a), created.state, {
      add: [keyPackage.publicMessage],
      removeDeviceIds: [],
    });
    const committed = await expect(
      wa,
      {
        case: "commit",
        value: {
          conversationId,
          clientMessageId: "add",
          epoch: BigInt(add.epoch),
          commit: add.commit,
          welcome: add.welcome!,
          groupInfo: add.groupInfo,
        },
      },
      "commit",
    );
    const inbox = await expect(wb, { case: "fetchInbox", value: { afterId: 0n, limit: 200 } }, "fetchInbox");
    const welcome = inbox.items.find((item) => item.conversationId === conversationId);
    if (!welcome) throw new Error("no Welcome in the inbox");
    const joined = await engine.joinFromWelcome(engineIdentity(b), welcome.payload, async () => keyPackage);
    await expect(wb, { case: "ackInbox", value: { upToId: welcome.id } }, "ackInbox");
    // Both have seen the commit: their cursors stand just before the new messages.
    await expect(wa, { case: "ack", value: { cursors: [{ conversationId, seq: committed.seq }] } }, "ack");
    await Promise.all([
      sendReal(engine, wa, a, add.newState, conversationId, messages),
      sendReal(engine, wb, b, joined.state, conversationId, messages),
    ]);
    return { conversationId, devices: [a, b] };
  } finally {
    wa.close();
    wb.close();
  }
}
