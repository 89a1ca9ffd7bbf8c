/** Builders shared by the Store contract suite. */
import { expect } from "vitest";
import type {
  AppendResult,
  ConversationRecord,
  LogEntryRecord,
  MembershipDelta,
  NewCommit,
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

/** A device limit no test reaches unless it means to. */
export const NO_LIMIT = 1000;

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
  const result = await store.addDevice(
    address,
    { id: deviceId, signatureKey: signatureKey(7), createdAt: at },
    NO_LIMIT,
  );
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

/** The entry of an appended or duplicate message; fails the test on any other answer. */
export function entryOf(result: AppendResult): LogEntryRecord {
  if (result.kind === "appended" || result.kind === "duplicate") return result.entry;
  throw new Error(`expected an entry, got ${result.kind}`);
}

/** A message from `sender`; `at` is its payload or its epoch (SPEC DS10: the conversation's current one). */
export function message(
  conversationId: string,
  sender: TestAccount,
  clientMessageId: string,
  at: Uint8Array | { epoch?: number; payload?: Uint8Array } = {},
): NewMessage {
  const { payload = utf8(clientMessageId), epoch = 0 } = at instanceof Uint8Array ? { payload: at } : at;
  return {
    conversationId,
    senderDeviceId: sender.deviceId,
    senderAddress: sender.address,
    clientMessageId,
    payload,
    epoch,
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
