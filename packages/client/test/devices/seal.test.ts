import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, SealedDeviceMessageSchema } from "@switchboard/protocol";
import { generateDeviceKeyPair } from "../../src/identity/deviceKeys.js";
import {
  generateHpkeKeyPair,
  openFromDevice,
  openSelfDescribed,
  sealToDevice,
} from "../../src/devices/seal.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("[DIR8] sealed device messages", () => {
  it("open for the recipient with the sender's key, and for no one else", async () => {
    const sender = generateDeviceKeyPair();
    const recipient = await generateHpkeKeyPair();
    const other = await generateHpkeKeyPair();
    const sealed = await sealToDevice(
      { deviceId: "sender", signaturePrivateKey: sender.privateKey },
      { deviceId: "recipient", hpkePublicKey: recipient.publicKey },
      text("the history"),
    );
    const opened = await openFromDevice(
      { deviceId: "recipient", hpkePrivateKey: recipient.privateKey },
      sender.publicKey,
      sealed,
    );
    expect(new TextDecoder().decode(opened.plaintext)).toBe("the history");
    expect(opened.senderDeviceId).toBe("sender");
    await expect(
      openFromDevice({ deviceId: "recipient", hpkePrivateKey: other.privateKey }, sender.publicKey, sealed),
    ).rejects.toMatchObject({ code: "UNTRUSTED" });
    // Addressed to "recipient": the signature does not hold for another device id.
    await expect(
      openFromDevice({ deviceId: "someone", hpkePrivateKey: recipient.privateKey }, sender.publicKey, sealed),
    ).rejects.toMatchObject({ code: "UNTRUSTED" });
  });

  it("refuse what the hub could make: another signer, a changed ciphertext, garbage", async () => {
    const sender = generateDeviceKeyPair();
    const hub = generateDeviceKeyPair();
    const recipient = await generateHpkeKeyPair();
    const to = { deviceId: "recipient", hpkePublicKey: recipient.publicKey };
    const me = { deviceId: "recipient", hpkePrivateKey: recipient.privateKey };
    const injected = await sealToDevice(
      { deviceId: "sender", signaturePrivateKey: hub.privateKey },
      to,
      text("x"),
    );
    await expect(openFromDevice(me, sender.publicKey, injected)).rejects.toMatchObject({ code: "UNTRUSTED" });

    const sealed = await sealToDevice(
      { deviceId: "sender", signaturePrivateKey: sender.privateKey },
      to,
      text("x"),
    );
    const decoded = decodeMessage(SealedDeviceMessageSchema, sealed);
    if (!decoded.ok) throw new Error("sealed message does not decode");
    decoded.value.ciphertext[0]! ^= 1;
    const tampered = encodeMessage(SealedDeviceMessageSchema, decoded.value);
    await expect(openFromDevice(me, sender.publicKey, tampered)).rejects.toMatchObject({ code: "UNTRUSTED" });
    await expect(openFromDevice(me, sender.publicKey, text("garbage"))).rejects.toMatchObject({
      code: "UNTRUSTED",
    });
  });

  it("check a self-described signer against the key named inside", async () => {
    const sender = generateDeviceKeyPair();
    const liar = generateDeviceKeyPair();
    const recipient = await generateHpkeKeyPair();
    const sealed = await sealToDevice(
      { deviceId: "sender", signaturePrivateKey: sender.privateKey },
      { deviceId: "recipient", hpkePublicKey: recipient.publicKey },
      sender.publicKey,
    );
    const me = { deviceId: "recipient", hpkePrivateKey: recipient.privateKey };
    expect((await openSelfDescribed(me, sealed, (p) => p)).plaintext).toEqual(sender.publicKey);
    await expect(openSelfDescribed(me, sealed, () => liar.publicKey)).rejects.toMatchObject({
      code: "UNTRUSTED",
    });
  });
});
