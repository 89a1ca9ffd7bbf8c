/**
 * A device with a real MLS group state and a wire connection, for attacks and
 * the canary: it creates conversations as an SDK would (real GroupInfo, real
 * commits) and sends real PrivateMessages, without the SDK's round trips.
 */
import { randomBytes } from "node:crypto";
import { ConversationKind, toHex } from "@switchboard/protocol";
import type { GroupEngine, GroupState } from "../../../packages/client/src/mls/engine.js";
import { createTsMlsEngine } from "../../../packages/client/src/mls/index.js";
import {
  engineIdentity,
  newBenchDevice,
  registerDevice,
  type BenchDevice,
  type ConnectOptions,
} from "../../lib/benchDevice.js";
import { expectResult } from "../../lib/expectResult.js";
import type { WireDevice } from "../../lib/wireDevice.js";

let engine: Promise<GroupEngine> | undefined;
export function mlsEngine(): Promise<GroupEngine> {
  engine ??= createTsMlsEngine({ crypto: "node" });
  return engine;
}

export class MlsActor {
  state: GroupState | undefined;
  conversationId = "";
  private sent = 0;

  private constructor(
    readonly device: BenchDevice,
    readonly wire: WireDevice,
  ) {}

  /** A device that joined `conversationId` elsewhere (from a Welcome) with `state`. */
  static adopt(device: BenchDevice, wire: WireDevice, conversationId: string, state: GroupState): MlsActor {
    const actor = new MlsActor(device, wire);
    actor.conversationId = conversationId;
    actor.state = state;
    return actor;
  }

  static async register(server: string, address: string, options: ConnectOptions = {}): Promise<MlsActor> {
    const device = newBenchDevice(address);
    return new MlsActor(device, await registerDevice(server, device, options));
  }

  /** A group of this device alone (epoch 0), or a direct chat whose peer is added by `add`. */
  async createConversation(kind: "group" | "direct", peer = ""): Promise<void> {
    const e = await mlsEngine();
    const groupId = new Uint8Array(randomBytes(16));
    this.conversationId = toHex(groupId);
    const created = await e.createGroup(engineIdentity(this.device), groupId, {
      externalSender: this.wire.hubSignatureKey,
    });
    await expectResult(
      this.wire,
      {
        case: "createConversation",
        value: {
          conversationId: this.conversationId,
          kind: kind === "group" ? ConversationKind.GROUP : ConversationKind.DIRECT,
          peer,
          groupInfo: created.groupInfo,
        },
      },
      "createConversation",
    );
    this.state = created.state;
  }

  /** Commit an Add of `keyPackage` (an MLSMessage); returns the hub's answer as the raw result. */
  async commitAdd(keyPackage: Uint8Array) {
    const e = await mlsEngine();
    const add = await e.createCommit(engineIdentity(this.device), this.state!, {
      add: [keyPackage],
      removeDeviceIds: [],
    });
    const response = await this.wire.request({
      case: "commit",
      value: {
        conversationId: this.conversationId,
        clientMessageId: `add-${randomBytes(6).toString("hex")}`,
        epoch: BigInt(add.epoch),
        commit: add.commit,
        welcome: add.welcome!,
        groupInfo: add.groupInfo,
      },
    });
    if (response.result.case === "commit") this.state = add.newState;
    return { response, welcome: add.welcome };
  }

  /** Encrypt and send one application message; resolves with the hub's answer. */
  async send(plaintext: Uint8Array) {
    const e = await mlsEngine();
    const { message, newState } = await e.encrypt(engineIdentity(this.device), this.state!, plaintext);
    this.state = newState;
    return this.wire.request({
      case: "sendMessage",
      value: {
        conversationId: this.conversationId,
        clientMessageId: `m${this.sent++}`,
        payload: message,
        epoch: BigInt(newState.epoch),
      },
    });
  }
}
