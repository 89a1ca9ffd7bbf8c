/**
 * Group state as the SDK holds it: a wrapper around ts-mls's ClientState
 * (immutable until superseded, see adopt), and the bytes it is persisted as.
 *
 * Two things are deliberately NOT in the persisted bytes:
 * - the device's long-term signature key (ts-mls keeps a copy in every group
 *   state); it is re-attached from the DeviceIdentity on every operation, so a
 *   leaked group blob never leaks the identity key;
 * - the ClientConfig (it holds functions); the engine supplies its own.
 */
import { decodeGroupState, encodeGroupState } from "ts-mls";
import type { ClientConfig, ClientState, PrivateKeyPackage } from "ts-mls";
import type { GroupState } from "./engine.js";
import type { StoredLayout } from "./stateParts.js";
import { MlsEngineError } from "./errors.js";

const GROUP_STATE_FORMAT = 1;
const KEY_PACKAGE_FORMAT = 1;

export class EngineGroupState implements GroupState {
  readonly groupId: Uint8Array;
  readonly epoch: number;
  #retired: Uint8Array[];
  #predecessor: EngineGroupState | undefined;
  #superseded = false;
  /**
   * The stored form this state was saved as or loaded from, else its
   * predecessor's: what an incremental save diffs against (stateParts.ts).
   */
  storedLayout: StoredLayout | undefined;

  /**
   * `retired`: secrets the predecessor state consumed (ts-mls's `consumed`).
   * They still belong to the predecessor, which the caller may yet fall back
   * to (a commit refused with EPOCH_CONFLICT, a failed write), so they are
   * zeroed only when this state is used for its first operation: by then the
   * caller has adopted it and the predecessor is dead (RFC 9420 §9.2, §16.6).
   */
  constructor(
    readonly client: ClientState,
    retired: Uint8Array[] = [],
    predecessor?: EngineGroupState,
  ) {
    this.groupId = client.groupContext.groupId.slice();
    this.epoch = Number(client.groupContext.epoch);
    this.#retired = retired;
    this.#predecessor = predecessor;
    this.storedLayout = predecessor?.storedLayout;
  }

  /** Make this the live state: wipe what its predecessor used, and retire the predecessor. */
  adopt(): void {
    if (this.#superseded) {
      throw new MlsEngineError(
        "MLS_INVALID_STATE",
        "this state was superseded: a state derived from it has been used",
      );
    }
    // fill(0), not ts-mls's zeroOutUint8Array: that draws random bytes first
    // (a getRandomValues call per secret, ~20 µs of every message).
    for (const secret of this.#retired) secret.fill(0);
    this.#retired = [];
    if (this.#predecessor !== undefined) this.#predecessor.#superseded = true;
    this.#predecessor = undefined;
  }

  get removed(): boolean {
    return this.client.groupActiveState.kind === "removedFromGroup";
  }
}

export function asEngineState(state: GroupState): EngineGroupState {
  if (!(state instanceof EngineGroupState))
    throw new MlsEngineError("MLS_INVALID_STATE", "not a group state made by this engine");
  return state;
}

export function serializeGroupState(state: EngineGroupState): Uint8Array {
  const body = encodeGroupState({ ...state.client, signaturePrivateKey: new Uint8Array(0) });
  const out = new Uint8Array(1 + body.length);
  out[0] = GROUP_STATE_FORMAT;
  out.set(body, 1);
  return out;
}

export function deserializeGroupState(bytes: Uint8Array, clientConfig: ClientConfig): EngineGroupState {
  if (bytes[0] !== GROUP_STATE_FORMAT)
    throw new MlsEngineError("MLS_INVALID_STATE", "unknown group state format");
  let decoded: ReturnType<typeof decodeGroupState>;
  try {
    decoded = decodeGroupState(bytes, 1);
  } catch (e) {
    throw new MlsEngineError("MLS_INVALID_STATE", "corrupt group state", { cause: e });
  }
  // ts-mls decoders return the length consumed, not the end offset.
  if (decoded === undefined || decoded[1] !== bytes.length - 1)
    throw new MlsEngineError("MLS_INVALID_STATE", "corrupt group state");
  return new EngineGroupState({ ...decoded[0], clientConfig });
}

/** The group state with this device's signature key attached, for ts-mls to sign with. */
export function withSigner(state: EngineGroupState, signaturePrivateKey: Uint8Array): ClientState {
  const client = state.client;
  return client.signaturePrivateKey === signaturePrivateKey ? client : { ...client, signaturePrivateKey };
}

/**
 * The private half of a key package: its init and leaf HPKE keys. Like the
 * group state, it leaves out the signature key (the DeviceIdentity has it).
 * Layout: format(1) | len(2) init | len(2) hpke.
 */
export function encodePrivateKeyPackage(
  keys: Pick<PrivateKeyPackage, "initPrivateKey" | "hpkePrivateKey">,
): Uint8Array {
  const { initPrivateKey: init, hpkePrivateKey: hpke } = keys;
  const out = new Uint8Array(1 + 2 + init.length + 2 + hpke.length);
  const view = new DataView(out.buffer);
  out[0] = KEY_PACKAGE_FORMAT;
  view.setUint16(1, init.length);
  out.set(init, 3);
  view.setUint16(3 + init.length, hpke.length);
  out.set(hpke, 5 + init.length);
  return out;
}

export function decodePrivateKeyPackage(
  bytes: Uint8Array,
): Pick<PrivateKeyPackage, "initPrivateKey" | "hpkePrivateKey"> {
  const fail = (): never => {
    throw new MlsEngineError("MLS_INVALID_STATE", "corrupt key package private state");
  };
  if (bytes.length < 5 || bytes[0] !== KEY_PACKAGE_FORMAT) fail();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const initLength = view.getUint16(1);
  if (bytes.length < 5 + initLength) fail();
  const hpkeLength = view.getUint16(3 + initLength);
  if (bytes.length !== 5 + initLength + hpkeLength) fail();
  // Copies: the caller keeps its stored bytes, we may zero ours.
  return {
    initPrivateKey: bytes.slice(3, 3 + initLength),
    hpkePrivateKey: bytes.slice(5 + initLength),
  };
}
