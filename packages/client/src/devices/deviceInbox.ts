/**
 * Sealed messages from this account's other devices (INBOX_KIND_DEVICE_MESSAGE):
 * checked against the sender's approved key, opened with this device's link
 * key, and acted on. Today that is history chunks: held until the bundle is
 * complete, then shown in one atomic write.
 */
import {
  DeviceMessageSchema,
  decodeMessage,
  fromHex,
  toHex,
  type HistoryChunk,
  type InboxItem,
} from "@switchboard/protocol";
import { ClientError } from "../errors.js";
import type { Call } from "../session/call.js";
import type { LocalMessage, LocalStore } from "../store/port.js";
import { historyWrites, joinChunks } from "./history.js";
import { openFromDevice, sealedSender } from "./seal.js";
import type { DeviceTrust } from "./trust.js";
import { listAllDevices } from "../session/pages.js";

/** Meta key of this device's X25519 private key, made when it began linking. */
export const LINK_KEY_META = "link.hpkePrivateKey";

const chunkKey = (bundleId: string, index: number) => `history.${bundleId}.${index}`;

export interface DeviceInboxDeps {
  store: LocalStore;
  call: Call;
  trust: DeviceTrust;
  identity(): { address: string; deviceId: string };
  onHistory(summary: { conversations: number; messages: LocalMessage[] }): void;
}

export class DeviceInbox {
  constructor(private readonly deps: DeviceInboxDeps) {}

  async receive(item: InboxItem): Promise<void> {
    const { store, call, trust } = this.deps;
    const self = this.deps.identity();
    const privateKey = await store.getMeta(LINK_KEY_META);
    if (!privateKey)
      throw new ClientError("UNTRUSTED", "a device message came, but this device has no link key");
    const senderId = sealedSender(item.payload);
    const listed = await listAllDevices(call, "");
    const sender = listed.devices.find((d) => d.id === senderId);
    const approved =
      sender !== undefined &&
      (await trust.verify({
        address: self.address,
        deviceId: sender.id,
        signaturePublicKey: sender.signatureKey,
      }));
    if (!sender || !approved)
      throw new ClientError(
        "UNTRUSTED",
        `device message from ${senderId}, not an approved device of this account`,
      );
    const opened = await openFromDevice(
      { deviceId: self.deviceId, hpkePrivateKey: fromHex(privateKey) },
      sender.signatureKey,
      item.payload,
    );
    const decoded = decodeMessage(DeviceMessageSchema, opened.plaintext);
    if (!decoded.ok) throw new ClientError("UNTRUSTED", `device message does not decode: ${decoded.reason}`);
    const body = decoded.value.body;
    if (body.case === "history") await this.historyChunk(body.value);
  }

  private async historyChunk(chunk: HistoryChunk): Promise<void> {
    const { store } = this.deps;
    if (chunk.count < 1 || chunk.index >= chunk.count || !/^[0-9a-f]{1,64}$/.test(chunk.bundleId))
      throw new ClientError("UNTRUSTED", "a history chunk is malformed");
    await store.write([
      { kind: "setMeta", key: chunkKey(chunk.bundleId, chunk.index), value: toHex(chunk.data) },
    ]);
    const chunks: HistoryChunk[] = [];
    for (let index = 0; index < chunk.count; index++) {
      const hex = await store.getMeta(chunkKey(chunk.bundleId, index));
      if (!hex) return; // more to come
      chunks.push({ ...chunk, index, data: fromHex(hex) });
    }
    const bundle = joinChunks(chunks);
    if (!bundle) throw new ClientError("UNTRUSTED", "a history bundle does not decode");
    const { writes, messages } = await historyWrites(store, this.deps.identity().address, bundle);
    for (let index = 0; index < chunk.count; index++)
      writes.push({ kind: "setMeta", key: chunkKey(chunk.bundleId, index), value: "" });
    await store.write(writes);
    this.deps.onHistory({ conversations: bundle.conversations.length, messages });
  }
}
