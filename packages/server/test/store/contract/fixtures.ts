/** Builders shared by the Store contract suite. */
import { expect } from "vitest";
import type {
  ConversationRecord,
  MembershipDelta,
  NewCommit,
  NewDevice,
  NewMessage,
  Store,
} from "../../../src/store/port.js";

/** What an adapter's test file hands the contract for each test. */
export interface StoreHarness {
  store: Store;
  /**
   * Open a second Store on the same durable data. The test closes the first
   * store before calling it; cleanup() closes whatever is still open.
   */
  reopen: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

/**
 * Linking and revoking devices. Not in port.ts yet (see the SQLite adapter's
 * DeviceLifecycle); the contract needs it for multi-device and revocation rules.
 */
export interface DeviceLifecycle {
  addDevice(address: string, device: NewDevice): Promise<"added" | "unknown_account" | "device_taken">;
  revokeDevice(deviceId: string, at: number): Promise<boolean>;
}

export function lifecycle(store: Store): DeviceLifecycle {
  const candidate = store as Store & Partial<DeviceLifecycle>;
  if (typeof candidate.addDevice !== "function" || typeof candidate.revokeDevice !== "function") {
    throw new Error("the adapter must implement addDevice and revokeDevice (DeviceLifecycle)");
  }
  return candidate as Store & DeviceLifecycle;
}

/** A fixed clock: the store takes times from its caller, never from its own. */
export const T0 = 1_700_000_000_000;

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function hex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");
}

/** Exact byte equality, and the value is a Uint8Array (a Buffer is one too). */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  expect(hex(actual!)).toBe(hex(expected));
}

export function signatureKey(seed: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i) & 0xff);
}

export interface TestAccount {
  address: string;
  deviceId: string;
}

/** An account "handle@test" with one device "handle-1". */
export async function newAccount(store: Store, handle: string, at = T0): Promise<TestAccount> {
  const address = `${handle}@test`;
  const deviceId = `${handle}-1`;
  const result = await store.createAccount(
    { address, app: "test", displayName: handle, createdAt: at },
    { id: deviceId, signatureKey: signatureKey(handle.length), createdAt: at },
  );
  expect(result).toBe("created");
  return { address, deviceId };
}

/** Link another device to an account. */
export async function newDevice(store: Store, address: string, deviceId: string, at = T0): Promise<string> {
  const result = await lifecycle(store).addDevice(address, {
    id: deviceId,
    signatureKey: signatureKey(7),
    createdAt: at,
  });
  expect(result).toBe("added");
  return deviceId;
}

export async function newGroup(
  store: Store,
  id: string,
  creator: TestAccount,
  groupInfo = utf8("gi0"),
): Promise<ConversationRecord> {
  const result = await store.createConversation({
    id,
    kind: "group",
    createdAt: T0,
    creatorAddress: creator.address,
    creatorDeviceId: creator.deviceId,
    groupInfo,
  });
  if (result.kind !== "created") throw new Error(`expected created, got ${result.kind}`);
  return result.conversation;
}

export function message(
  conversationId: string,
  sender: TestAccount,
  clientMessageId: string,
  payload = utf8(clientMessageId),
): NewMessage {
  return {
    conversationId,
    senderDeviceId: sender.deviceId,
    senderAddress: sender.address,
    clientMessageId,
    payload,
    epoch: 0,
    serverTime: T0 + 1,
  };
}

export function delta(change: Partial<MembershipDelta>): MembershipDelta {
  return { addedDevices: [], removedDevices: [], addedAccounts: [], removedAccounts: [], ...change };
}

export interface CommitOptions {
  epoch: number;
  clientMessageId: string;
  membership?: Partial<MembershipDelta>;
  welcome?: Uint8Array | null;
  groupInfo?: Uint8Array;
}

export function commitOf(conversationId: string, sender: TestAccount, options: CommitOptions): NewCommit {
  return {
    conversationId,
    senderDeviceId: sender.deviceId,
    senderAddress: sender.address,
    clientMessageId: options.clientMessageId,
    payload: utf8(`commit ${options.clientMessageId}`),
    epoch: options.epoch,
    serverTime: T0 + 2,
    groupInfo: options.groupInfo ?? utf8(`gi after ${options.epoch}`),
    membership: delta(options.membership ?? {}),
    welcome: options.welcome ?? null,
  };
}
