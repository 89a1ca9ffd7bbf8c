/**
 * Devices made by the load generator itself, with no SDK: a fresh Ed25519 key,
 * registered or logged in over the real protocol (WireDevice). Signing goes
 * through a node:crypto KeyObject: ~30 µs a signature here against ~370 µs for
 * @noble/curves (measured on this machine), which matters when one process
 * logs in thousands of devices at the same moment.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { authChallengeMessage, deviceIdFromKeyDigest } from "@switchboard/protocol";
import type { DeviceIdentity } from "../../packages/client/src/mls/engine.js";
import { WireDevice, describe } from "./wireDevice.js";

export interface BenchDevice {
  address: string;
  /** base32 of the first 16 bytes of SHA-256(public key), as the hub derives it. */
  deviceId: string;
  publicKey: Uint8Array;
  /** The 32-byte seed, for the MLS engine. */
  privateKey: Uint8Array;
  signer: KeyObject;
}

export function newBenchDevice(address: string): BenchDevice {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  // Raw keys are the last 32 bytes of their DER encodings (RFC 8410).
  const spki = publicKey.export({ format: "der", type: "spki" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const raw = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    address,
    deviceId: deviceIdFromKeyDigest(new Uint8Array(createHash("sha256").update(raw).digest())),
    publicKey: raw,
    privateKey: new Uint8Array(pkcs8.subarray(pkcs8.length - 32)),
    signer: privateKey,
  };
}

/** The device as the MLS engine wants it (its credential is "address/deviceId"). */
export function engineIdentity(device: BenchDevice): DeviceIdentity {
  return {
    address: device.address,
    deviceId: device.deviceId,
    signaturePublicKey: device.publicKey,
    signaturePrivateKey: device.privateKey,
  };
}

function signChallenge(device: BenchDevice, challenge: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, authChallengeMessage(challenge), device.signer));
}

export interface ConnectOptions {
  /** Connect from this local address (the abuse script's attackers use 127.0.0.2 and up). */
  localAddress?: string;
}

/** Create the device's account; the connection stays open and logged in. */
export async function registerDevice(
  server: string,
  device: BenchDevice,
  options: ConnectOptions & { displayName?: string } = {},
): Promise<WireDevice> {
  const { displayName = "", ...connect } = options;
  const { device: wire, challenge } = await WireDevice.open(server, connect);
  const response = await wire.request({
    case: "register",
    value: {
      address: device.address,
      displayName,
      signatureKey: device.publicKey,
      signature: signChallenge(device, challenge),
    },
  });
  if (response.result.case !== "register" || response.result.value.deviceId !== device.deviceId) {
    wire.terminate();
    throw new Error(`register ${device.address}: ${describe(response)}`);
  }
  return wire;
}

/** Open a connection and log in as an already registered device. */
export async function loginDevice(
  server: string,
  device: BenchDevice,
  options: ConnectOptions = {},
): Promise<WireDevice> {
  const { device: wire, challenge } = await WireDevice.open(server, options);
  const response = await wire.request({
    case: "authenticate",
    value: { deviceId: device.deviceId, signature: signChallenge(device, challenge) },
  });
  if (response.result.case !== "authenticate") {
    wire.terminate();
    throw new Error(`login ${device.address}: ${describe(response)}`);
  }
  return wire;
}
