/** Test devices: real Ed25519 identities and a place to keep their key packages. */
import { generateKeyPairSync } from "node:crypto";
import type { DeviceIdentity, GeneratedKeyPackage, GroupEngine, GroupState } from "../../src/mls/index.js";

/** A raw Ed25519 key pair: the public key and the 32-byte seed, as MLS uses them. */
export function makeSigningKey(): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return {
    publicKey: new Uint8Array(spki.subarray(spki.length - 32)),
    privateKey: new Uint8Array(pkcs8.subarray(pkcs8.length - 32)),
  };
}

export function makeIdentity(address: string, deviceId: string): DeviceIdentity {
  const { publicKey, privateKey } = makeSigningKey();
  return { address, deviceId, signaturePublicKey: publicKey, signaturePrivateKey: privateKey };
}

export class Device {
  readonly identity: DeviceIdentity;
  readonly keyPackages = new Map<string, GeneratedKeyPackage>();
  state!: GroupState;

  constructor(
    readonly engine: GroupEngine,
    address: string,
    deviceId: string,
  ) {
    this.identity = makeIdentity(address, deviceId);
  }

  get deviceId(): string {
    return this.identity.deviceId;
  }

  /** A fresh key package, as uploaded to the directory. */
  async publish(): Promise<Uint8Array> {
    const kp = await this.engine.generateKeyPackage(this.identity);
    this.keyPackages.set(kp.ref, kp);
    return kp.publicMessage;
  }

  async join(welcome: Uint8Array): Promise<string> {
    const joined = await this.engine.joinFromWelcome(this.identity, welcome, async (ref) =>
      this.keyPackages.get(ref),
    );
    this.keyPackages.delete(joined.usedKeyPackageRef);
    this.state = joined.state;
    return joined.usedKeyPackageRef;
  }

  async send(text: string): Promise<Uint8Array> {
    const { message, newState } = await this.engine.encrypt(
      this.identity,
      this.state,
      new TextEncoder().encode(text),
    );
    this.state = newState;
    return message;
  }

  /** Process an application message and return its text and sender. */
  async receive(message: Uint8Array): Promise<{ text: string; from: string }> {
    const result = await this.engine.process(this.identity, this.state, message);
    if (result.kind !== "application") throw new Error(`expected an application message, got ${result.kind}`);
    this.state = result.newState;
    return {
      text: new TextDecoder().decode(result.plaintext),
      from: `${result.sender.address}/${result.sender.deviceId}`,
    };
  }

  async applyCommit(commit: Uint8Array) {
    const result = await this.engine.process(this.identity, this.state, commit);
    if (result.kind !== "commit") throw new Error(`expected a commit, got ${result.kind}`);
    this.state = result.newState;
    return result;
  }

  /** Process the hub's proposal: it stays pending in the new state. */
  async applyProposal(proposal: Uint8Array) {
    const result = await this.engine.process(this.identity, this.state, proposal);
    if (result.kind !== "proposal") throw new Error(`expected a proposal, got ${result.kind}`);
    this.state = result.newState;
    return result;
  }

  get name(): string {
    return `${this.identity.address}/${this.identity.deviceId}`;
  }
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}

export function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** Resolve to the error's code, or fail if it did not throw. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return (e as { code?: string }).code ?? `no code: ${String(e)}`;
  }
  throw new Error("expected an error");
}

/** The code of what `run` throws, or fail if it did not throw. */
export function thrownCode(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as { code?: string }).code ?? `no code: ${String(e)}`;
  }
  throw new Error("expected an error");
}
