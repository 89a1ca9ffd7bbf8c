import { HUB_CREDENTIAL_IDENTITY } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import {
  deviceAuthenticationService,
  encodeIdentity,
  hubCredential,
  isHubCredential,
  parseCredential,
  parseIdentity,
} from "../../src/mls/credential.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("device credential identity", () => {
  it("round-trips address and device id, splitting at the last '/'", () => {
    for (const [address, deviceId] of [
      ["alice@messenger", "deviceA"],
      ["+14155550100@whatsapp", "abcdefghijklmnopqrstuvwxyz"],
      ["a/b@example.com@messenger", "dev-1"],
    ] as const) {
      expect(parseIdentity(encodeIdentity(address, deviceId))).toEqual({ address, deviceId });
    }
  });

  it("refuses malformed identities", () => {
    for (const text of [
      "",
      "alice@messenger",
      "alice@messenger/",
      "/deviceA",
      "alice/deviceA",
      "alice@Messenger/deviceA",
      " alice@messenger/deviceA",
      "alice@messenger/dev ice",
      "alice@messenger/dev/ice@x",
      "alice@bad_app/deviceA",
      `alice@messenger/${"d".repeat(65)}`,
    ]) {
      expect(parseIdentity(utf8(text)), text).toBeUndefined();
    }
    expect(parseIdentity(Uint8Array.of(0xff, 0x2f, 0x61))).toBeUndefined();
    expect(parseIdentity(new Uint8Array(300).fill(0x61))).toBeUndefined();
    expect(() => encodeIdentity("alice", "deviceA")).toThrow(RangeError);
    expect(() => encodeIdentity("alice@messenger", "a/b")).toThrow(RangeError);
  });

  it("the authentication service accepts only device credentials with an Ed25519-sized key", async () => {
    const service = deviceAuthenticationService();
    const key = new Uint8Array(32);
    expect(
      await service.validateCredential(
        { credentialType: "basic", identity: utf8("bob@whatsapp/deviceB") },
        key,
      ),
    ).toBe(true);
    expect(await service.validateCredential({ credentialType: "basic", identity: utf8("bob") }, key)).toBe(
      false,
    );
    expect(
      await service.validateCredential(
        { credentialType: "basic", identity: utf8("bob@whatsapp/deviceB") },
        new Uint8Array(33),
      ),
    ).toBe(false);
    expect(await service.validateCredential({ credentialType: "x509", certificates: [] }, key)).toBe(false);
  });

  it("the authentication service defers to the SDK's verifier", async () => {
    const seen: string[] = [];
    const service = deviceAuthenticationService(({ address, deviceId }) => {
      seen.push(`${address}/${deviceId}`);
      return deviceId !== "revoked";
    });
    const key = new Uint8Array(32);
    expect(
      await service.validateCredential(
        { credentialType: "basic", identity: utf8("bob@whatsapp/deviceB") },
        key,
      ),
    ).toBe(true);
    expect(
      await service.validateCredential(
        { credentialType: "basic", identity: utf8("bob@whatsapp/revoked") },
        key,
      ),
    ).toBe(false);
    expect(seen).toEqual(["bob@whatsapp/deviceB", "bob@whatsapp/revoked"]);
  });

  it("the authentication service accepts the hub's external-sender credential, without asking the SDK", async () => {
    const seen: string[] = [];
    const service = deviceAuthenticationService(({ deviceId }) => {
      seen.push(deviceId);
      return false;
    });
    const hub = { credentialType: "basic", identity: utf8(HUB_CREDENTIAL_IDENTITY) } as const;
    expect(await service.validateCredential(hub, new Uint8Array(32))).toBe(true);
    expect(await service.validateCredential(hub, new Uint8Array(33))).toBe(false);
    for (const near of [
      `${HUB_CREDENTIAL_IDENTITY} `,
      HUB_CREDENTIAL_IDENTITY.toUpperCase(),
      "switchboard",
    ]) {
      expect(
        await service.validateCredential(
          { credentialType: "basic", identity: utf8(near) },
          new Uint8Array(32),
        ),
      ).toBe(false);
    }
    expect(seen).toEqual([]);
  });

  it("the hub's credential never names a device", () => {
    expect(isHubCredential(hubCredential())).toBe(true);
    expect(parseCredential(hubCredential())).toBeUndefined();
    expect(
      isHubCredential({ credentialType: "basic", identity: encodeIdentity("bob@whatsapp", "deviceB") }),
    ).toBe(false);
  });
});
