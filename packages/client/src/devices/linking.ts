/**
 * Linking a new device to an account (requests.proto explains the exchange).
 *
 * New device: `beginLink` makes the device's keys here (they never leave),
 * asks the hub for a one-time code and waits, on the same connection, for
 * the approving device's sealed envelope; then it logs in as a device of the
 * account and publishes key packages so it can be added to conversations.
 *
 * Existing device: `approveLink` checks the code against the keys the hub
 * hands over (the code is a hash of them), signs the approval, seals the
 * envelope, then adds the new device to every conversation and sends it the
 * history up to the commit that added it.
 */
import {
  DeviceMessageSchema,
  LinkEnvelopeSchema,
  create,
  decodeMessage,
  encodeMessage,
  linkCodeFromDigest,
  linkCodeInput,
  linkQrPayload,
  normalizeLinkCode,
  toHex,
  type InboxItem,
  type LinkEnvelope,
  type PendingLink,
} from "@switchboard/protocol";
import { InboxKind, ProtocolError, normaliseDeviceName } from "@switchboard/protocol";
import { ClientError } from "../errors.js";
import { deviceIdFor, signChallenge, type DeviceKeyPair } from "../identity/deviceKeys.js";
import type { RpcSession } from "../session/rpc.js";
import type { Call } from "../session/call.js";
import { signApprovalWith } from "./approval.js";
import { HISTORY_RANGES, buildHistoryBundle, chunkBundle, type HistoryChoice } from "./history.js";
import { openSelfDescribed, sealToDevice, type HpkeKeyPair } from "./seal.js";
import type { LocalConversation, LocalStore } from "../store/port.js";

export async function linkCodeFor(signatureKey: Uint8Array, hpkePublicKey: Uint8Array): Promise<string> {
  const input = linkCodeInput(signatureKey, hpkePublicKey) as Uint8Array<ArrayBuffer>;
  return linkCodeFromDigest(new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", input)));
}

// --- the new device ----------------------------------------------------------

export interface LinkRequest {
  code: string;
  /** Text for a QR code: the code and both public keys. */
  qr: string;
  deviceId: string;
  expiresAt: number;
}

export interface LinkApproved {
  envelope: LinkEnvelope;
  /** The link inbox item, to acknowledge once the identity is stored. */
  itemId: bigint;
}

/** Ask for a code on an open, unauthenticated session; resolves once the hub has the pending link. */
export async function requestLink(
  session: RpcSession,
  challenge: Uint8Array,
  keys: DeviceKeyPair,
  hpke: HpkeKeyPair,
  deviceName: string,
): Promise<LinkRequest> {
  const name = normaliseDeviceName(deviceName);
  if (!name.ok) throw new ProtocolError("INVALID_ARGUMENT", `device name: ${name.reason}`);
  const deviceId = await deviceIdFor(keys.publicKey);
  const answer = await session.call("beginLink", {
    signatureKey: keys.publicKey,
    hpkePublicKey: hpke.publicKey,
    deviceName: name.name,
    signature: signChallenge(keys.privateKey, challenge),
  });
  const code = await linkCodeFor(keys.publicKey, hpke.publicKey);
  if (answer.code !== code || answer.deviceId !== deviceId)
    throw new ClientError("UNTRUSTED", "the hub answered with a code that does not match this device's keys");
  return {
    code,
    qr: linkQrPayload({ code, signatureKey: keys.publicKey, hpkePublicKey: hpke.publicKey }),
    deviceId,
    expiresAt: Number(answer.expiresAt),
  };
}

/** Open the approving device's envelope from a link inbox item. */
export async function openLinkEnvelope(
  item: InboxItem,
  deviceId: string,
  hpke: HpkeKeyPair,
): Promise<LinkApproved | undefined> {
  if (item.kind !== InboxKind.LINK) return undefined;
  // The envelope names its signer's key; that key is checked against the
  // account's device list (and its approval chain) once this device logs in.
  const read = (plaintext: Uint8Array) => {
    const decoded = decodeMessage(LinkEnvelopeSchema, plaintext);
    if (!decoded.ok) throw new ClientError("UNTRUSTED", "the link envelope does not decode");
    return decoded.value;
  };
  const opened = await openSelfDescribed(
    { deviceId, hpkePrivateKey: hpke.privateKey },
    item.payload,
    (plaintext) => read(plaintext).approverSignatureKey,
  );
  const envelope = read(opened.plaintext);
  if (opened.senderDeviceId !== envelope.approverDeviceId)
    throw new ClientError("UNTRUSTED", "the link envelope is not from the device it names");
  return { envelope, itemId: item.id };
}

// --- the approving device ----------------------------------------------------

export interface ApproveDeps {
  call: Call;
  store: LocalStore;
  identity(): {
    address: string;
    deviceId: string;
    displayName: string;
    signaturePublicKey: Uint8Array;
    signaturePrivateKey: Uint8Array;
  };
  clock(): number;
  /** Add the device (its key package) to one conversation by a commit; the commit's seq. */
  addToConversation(conversationId: string, keyPackage: Uint8Array): Promise<number | null>;
  /** Apply everything in the conversation up to its head. */
  catchUp(conversationId: string): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface ApprovedDevice {
  deviceId: string;
  name: string;
  conversations: number;
  historyMessages: number;
}

/** How long the approving device waits for the new one to log in and publish key packages. */
const NEW_DEVICE_WAIT_MS = 60_000;

export async function approveLink(
  deps: ApproveDeps,
  typedCode: string,
  options: { history: HistoryChoice },
): Promise<ApprovedDevice> {
  const code = normalizeLinkCode(typedCode);
  if (!code) throw new ProtocolError("NOT_FOUND", `"${typedCode}" is not a link code`);
  const { link } = await deps.call("getLink", { code });
  if (!link) throw new ProtocolError("NOT_FOUND", "no such link code");
  await checkLinkKeys(link, code);
  const self = deps.identity();
  const approvedAt = deps.clock();
  const approval = await signApprovalWith(self.signaturePrivateKey, {
    address: self.address,
    deviceId: link.deviceId,
    signatureKey: link.signatureKey,
    approverDeviceId: self.deviceId,
    approvedAt,
  });
  const envelope = create(LinkEnvelopeSchema, {
    address: self.address,
    displayName: self.displayName,
    approverDeviceId: self.deviceId,
    approverSignatureKey: self.signaturePublicKey,
    history: HISTORY_RANGES[options.history],
    approvedAt: BigInt(approvedAt),
  });
  const recipient = { deviceId: link.deviceId, hpkePublicKey: link.hpkePublicKey };
  const sender = { deviceId: self.deviceId, signaturePrivateKey: self.signaturePrivateKey };
  await deps.call("approveLink", {
    code,
    approval,
    approvedAt: BigInt(approvedAt),
    envelope: await sealToDevice(sender, recipient, encodeMessage(LinkEnvelopeSchema, envelope)),
  });

  // Add the new device everywhere this one is, then send what came before.
  const conversations = (await deps.store.listConversations()).filter((c) => c.active);
  const joined: { conversation: LocalConversation; beforeSeq: number }[] = [];
  const deadline = deps.clock() + NEW_DEVICE_WAIT_MS;
  for (const conversation of conversations) {
    const keyPackage = await claimWhenPublished(deps, link.deviceId, deadline);
    const seq = await deps.addToConversation(conversation.id, keyPackage);
    if (seq === null) continue;
    await deps.catchUp(conversation.id);
    const latest = await deps.store.getConversation(conversation.id);
    if (latest) joined.push({ conversation: latest, beforeSeq: seq });
  }
  let historyMessages = 0;
  // Sent even when empty: the new device then knows its history is complete.
  if (options.history !== "none") {
    const bundle = await buildHistoryBundle(deps.store, joined, options.history, deps.clock());
    historyMessages = bundle.conversations.reduce((n, c) => n + c.messages.length, 0);
    const bundleId = toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
    for (const chunk of chunkBundle(bundleId, bundle)) {
      const message = create(DeviceMessageSchema, { body: { case: "history", value: chunk } });
      const payload = await sealToDevice(sender, recipient, encodeMessage(DeviceMessageSchema, message));
      await deps.call("sendToDevice", { deviceId: link.deviceId, payload });
    }
  }
  return { deviceId: link.deviceId, name: link.deviceName, conversations: joined.length, historyMessages };
}

/** The hub must hand over the keys the new device showed: the code is their hash. */
async function checkLinkKeys(link: PendingLink, code: string): Promise<void> {
  if ((await linkCodeFor(link.signatureKey, link.hpkePublicKey)) !== code)
    throw new ClientError("UNTRUSTED", "the hub's keys for this code do not match it; do not link");
  if ((await deviceIdFor(link.signatureKey)) !== link.deviceId)
    throw new ClientError("UNTRUSTED", "the hub named the new device wrongly");
}

/** One of the new device's key packages, once it has logged in and published them. */
async function claimWhenPublished(
  deps: ApproveDeps,
  deviceId: string,
  deadline: number,
): Promise<Uint8Array> {
  for (;;) {
    const claimed = await deps.call("claimKeyPackages", {
      address: deps.identity().address,
      deviceIds: [deviceId],
    });
    const mine = claimed.keyPackages.find((k) => k.deviceId === deviceId);
    if (mine) return mine.keyPackage;
    if (deps.clock() > deadline)
      throw new ClientError(
        "LINK_FAILED",
        "the new device was approved but did not come online to join conversations",
      );
    await deps.sleep(200);
  }
}
