/**
 * Device tests through the real gateway: a hub on an in-memory store with a
 * clock the test moves, and devices that speak the raw protocol (RawClient)
 * with real Ed25519 keys.
 */
import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { x25519 } from "@noble/curves/ed25519.js";
import {
  deviceApprovalMessage,
  deviceRevocationMessage,
  deviceIdFromKeyDigest,
  type InboxItem,
  type LogEntry,
  type Response,
} from "@switchboard/protocol";
import {
  DEMO_APPS,
  createMemoryBus,
  openSqliteStore,
  startHub,
  type AppConfig,
  type Hub,
} from "../../src/index.js";
import type { Store } from "../../src/store/port.js";
import { RawClient, newKeys, sign, type RequestOp } from "../gateway/rawClient.js";

export interface DeviceHub {
  hub: Hub;
  store: Store;
  /** The hub's clock; tests move it on. */
  clock: { now: number };
  close(): Promise<void>;
}

export async function startDeviceHub(apps: readonly AppConfig[] = DEMO_APPS): Promise<DeviceHub> {
  const store = openSqliteStore({ path: ":memory:" });
  const clock = { now: Date.now() };
  const hub = await startHub({ store, bus: createMemoryBus(), apps, clock: () => clock.now });
  return { hub, store, clock, close: () => hub.close() };
}

type Result = Response["result"];
type Case = NonNullable<Result["case"]>;
type ValueOf<C extends Case> = Extract<Result, { case: C }>["value"];

export function deviceIdOfKey(publicKey: Uint8Array): string {
  return deviceIdFromKeyDigest(new Uint8Array(createHash("sha256").update(publicKey).digest()));
}

/** One device on one connection. */
export class WireDevice {
  private nextId = 1n;
  address = "";

  private constructor(
    readonly client: RawClient,
    readonly challenge: Uint8Array,
    readonly hubKey: Uint8Array,
    readonly keys: { publicKey: Uint8Array; privateKey: Uint8Array },
  ) {}

  get deviceId(): string {
    return deviceIdOfKey(this.keys.publicKey);
  }

  /** Connected and greeted, not logged in. */
  static async connect(url: string, keys = newKeys()): Promise<WireDevice> {
    const client = await RawClient.connect(url);
    const hello = await client.greet();
    return new WireDevice(client, hello.challenge, hello.hubSignatureKey, keys);
  }

  static async register(url: string, address: string): Promise<WireDevice> {
    const device = await WireDevice.connect(url);
    const registered = await device.ok("register", {
      case: "register",
      value: {
        address,
        displayName: address,
        signatureKey: device.keys.publicKey,
        signature: sign(device.keys.privateKey, device.challenge),
      },
    });
    device.address = registered.address;
    return device;
  }

  /** A new connection for this device's keys, logged in. */
  async reconnect(url: string): Promise<WireDevice> {
    const again = await WireDevice.connect(url, this.keys);
    await again.ok("authenticate", again.authenticateOp());
    again.address = this.address;
    return again;
  }

  authenticateOp(): RequestOp {
    return {
      case: "authenticate",
      value: { deviceId: this.deviceId, signature: sign(this.keys.privateKey, this.challenge) },
    };
  }

  async call(op: RequestOp): Promise<Result> {
    return (await this.client.request(op, this.nextId++)).result;
  }

  /** The response of the expected kind; anything else fails the test with what came instead. */
  async ok<C extends Case>(expected: C, op: RequestOp): Promise<ValueOf<C>> {
    const result = await this.call(op);
    if (result.case !== expected) {
      const detail = result.case === "error" ? `${result.value.code}: ${result.value.message}` : result.case;
      throw new Error(`expected ${expected}, got ${detail}`);
    }
    return result.value as ValueOf<C>;
  }

  /** The error the hub answers `op` with ({ code: "" } when it succeeded). */
  async error(op: RequestOp): Promise<{ code: string; message: string; currentEpoch: bigint }> {
    const result = await this.call(op);
    return result.case === "error" ? result.value : { code: "", message: "", currentEpoch: 0n };
  }

  async nextInboxPush(timeoutMs?: number): Promise<InboxItem> {
    return this.client.next(
      (f) =>
        f.body.case === "push" && f.body.value.body.case === "inbox" ? f.body.value.body.value : undefined,
      timeoutMs,
    );
  }

  async nextEntryPush(filter: (e: LogEntry) => boolean = () => true, timeoutMs?: number): Promise<LogEntry> {
    return this.client.next((f) => {
      if (f.body.case !== "push" || f.body.value.body.case !== "entry") return undefined;
      const entry = f.body.value.body.value;
      return filter(entry) ? entry : undefined;
    }, timeoutMs);
  }
}

/** A new device's side of linking: keys, an X25519 key, and BeginLink on its connection. */
export async function beginLink(url: string, name = "laptop") {
  const device = await WireDevice.connect(url);
  const hpke = x25519.getPublicKey(x25519.utils.randomSecretKey());
  const begun = await device.ok("beginLink", beginLinkOp(device, hpke, name));
  return { device, hpke, code: begun.code, expiresAt: Number(begun.expiresAt), deviceId: begun.deviceId };
}

export function beginLinkOp(device: WireDevice, hpkePublicKey: Uint8Array, deviceName: string): RequestOp {
  return {
    case: "beginLink",
    value: {
      signatureKey: device.keys.publicKey,
      hpkePublicKey,
      deviceName,
      signature: sign(device.keys.privateKey, device.challenge),
    },
  };
}

/** An approving device's ApproveLink for the link behind `code`, signed with `signer` (its own key unless forging). */
export async function approveOp(
  approver: WireDevice,
  code: string,
  options: { approvedAt?: number; signer?: Uint8Array; envelope?: Uint8Array } = {},
): Promise<RequestOp> {
  const { link } = await approver.ok("getLink", { case: "getLink", value: { code } });
  const approvedAt = options.approvedAt ?? Date.now();
  const approval = ed25519.sign(
    deviceApprovalMessage({
      address: approver.address,
      deviceId: link!.deviceId,
      signatureKey: link!.signatureKey,
      approverDeviceId: approver.deviceId,
      approvedAt,
    }),
    options.signer ?? approver.keys.privateKey,
  );
  return {
    case: "approveLink",
    value: {
      code,
      approval,
      approvedAt: BigInt(approvedAt),
      envelope: options.envelope ?? new Uint8Array([1, 2, 3, 4]),
    },
  };
}

/** Link a new device to `approver`'s account and log it in on the connection that asked for the code. */
export async function linkDevice(url: string, approver: WireDevice, name = "laptop"): Promise<WireDevice> {
  const { device, code } = await beginLink(url, name);
  await approver.ok("approveLink", await approveOp(approver, code));
  await device.nextInboxPush();
  await device.ok("authenticate", device.authenticateOp());
  device.address = approver.address;
  return device;
}

/** [DIR14] A RevokeDevice request signed by `revoker` (or by `signer`'s key, to forge one). */
export function revokeOp(
  revoker: WireDevice,
  deviceId: string,
  options: { revokedAt?: number; signer?: Uint8Array } = {},
): RequestOp {
  const revokedAt = options.revokedAt ?? Date.now();
  const signature = ed25519.sign(
    deviceRevocationMessage({
      address: revoker.address,
      deviceId,
      revokerDeviceId: revoker.deviceId,
      revokedAt,
    }),
    options.signer ?? revoker.keys.privateKey,
  );
  return { case: "revokeDevice", value: { deviceId, revokedAt: BigInt(revokedAt), signature } };
}
