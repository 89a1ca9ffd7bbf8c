/**
 * Sealed messages between the devices of one account (the link envelope, the
 * history bundle): HPKE base mode (RFC 9180; X25519, HKDF-SHA256,
 * AES-128-GCM) to the receiving device's X25519 key, signed with the sending
 * device's Ed25519 key so the hub, which relays them, can neither read nor
 * inject one. @hpke/core runs on WebCrypto, in Node and in browsers alike.
 */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  DEVICE_SEAL_INFO,
  SealedDeviceMessageSchema,
  create,
  decodeMessage,
  encodeMessage,
  sealedDeviceMessageSignedBytes,
  type SealedDeviceMessage,
} from "@switchboard/protocol";
import { ClientError } from "../errors.js";
import { signEd25519 } from "../identity/signer.js";

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes128Gcm(),
});

const bytes = (b: ArrayBuffer) => new Uint8Array(b);
const buffer = (b: Uint8Array) => b.slice().buffer;

export interface HpkeKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export async function generateHpkeKeyPair(): Promise<HpkeKeyPair> {
  const pair = await suite.kem.generateKeyPair();
  return {
    publicKey: bytes(await suite.kem.serializePublicKey(pair.publicKey)),
    privateKey: bytes(await suite.kem.serializePrivateKey(pair.privateKey)),
  };
}

export interface Sender {
  deviceId: string;
  signaturePrivateKey: Uint8Array;
}

/** Seal `plaintext` to one device; the result goes through the hub as opaque bytes. */
export async function sealToDevice(
  sender: Sender,
  recipient: { deviceId: string; hpkePublicKey: Uint8Array },
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const sealed = await suite.seal(
    {
      recipientPublicKey: await suite.kem.deserializePublicKey(buffer(recipient.hpkePublicKey)),
      info: buffer(DEVICE_SEAL_INFO),
    },
    buffer(plaintext),
  );
  const enc = bytes(sealed.enc);
  const ciphertext = bytes(sealed.ct);
  const signature = await signEd25519(
    sender.signaturePrivateKey,
    sealedDeviceMessageSignedBytes({
      recipientDeviceId: recipient.deviceId,
      senderDeviceId: sender.deviceId,
      enc,
      ciphertext,
    }),
  );
  return encodeMessage(
    SealedDeviceMessageSchema,
    create(SealedDeviceMessageSchema, { senderDeviceId: sender.deviceId, enc, ciphertext, signature }),
  );
}

/** The sender named inside sealed bytes, to look its key up before opening. */
export function sealedSender(sealed: Uint8Array): string {
  return parse(sealed).senderDeviceId;
}

/**
 * Open bytes sealed to this device, checking they were signed by
 * `senderKey` (the Ed25519 key of the device they claim to come from).
 */
export async function openFromDevice(
  recipient: { deviceId: string; hpkePrivateKey: Uint8Array },
  senderKey: Uint8Array,
  sealed: Uint8Array,
): Promise<{ senderDeviceId: string; plaintext: Uint8Array }> {
  const message = parse(sealed);
  checkSignature(recipient.deviceId, senderKey, message);
  return {
    senderDeviceId: message.senderDeviceId,
    plaintext: await decrypt(recipient.hpkePrivateKey, message),
  };
}

/**
 * Open sealed bytes whose signer's key is inside them (a link envelope names
 * the approving device's key): `signerKey` reads it from the plaintext, and
 * the signature is checked against it before anything is returned.
 */
export async function openSelfDescribed(
  recipient: { deviceId: string; hpkePrivateKey: Uint8Array },
  sealed: Uint8Array,
  signerKey: (plaintext: Uint8Array) => Uint8Array,
): Promise<{ senderDeviceId: string; plaintext: Uint8Array }> {
  const message = parse(sealed);
  const plaintext = await decrypt(recipient.hpkePrivateKey, message);
  checkSignature(recipient.deviceId, signerKey(plaintext), message);
  return { senderDeviceId: message.senderDeviceId, plaintext };
}

function checkSignature(
  recipientDeviceId: string,
  senderKey: Uint8Array,
  message: SealedDeviceMessage,
): void {
  const signed = sealedDeviceMessageSignedBytes({
    recipientDeviceId,
    senderDeviceId: message.senderDeviceId,
    enc: message.enc,
    ciphertext: message.ciphertext,
  });
  let valid = false;
  try {
    valid = ed25519.verify(message.signature, signed, senderKey);
  } catch {
    valid = false;
  }
  if (!valid) throw new ClientError("UNTRUSTED", "a sealed device message is not signed by its sender");
}

async function decrypt(hpkePrivateKey: Uint8Array, message: SealedDeviceMessage): Promise<Uint8Array> {
  try {
    const plaintext = await suite.open(
      {
        recipientKey: await suite.kem.deserializePrivateKey(buffer(hpkePrivateKey)),
        enc: buffer(message.enc),
        info: buffer(DEVICE_SEAL_INFO),
      },
      buffer(message.ciphertext),
    );
    return bytes(plaintext);
  } catch (err) {
    throw new ClientError("UNTRUSTED", "a sealed device message does not open", { cause: err });
  }
}

function parse(sealed: Uint8Array): SealedDeviceMessage {
  const decoded = decodeMessage(SealedDeviceMessageSchema, sealed);
  if (!decoded.ok) throw new ClientError("UNTRUSTED", `not a sealed device message: ${decoded.reason}`);
  return decoded.value;
}
