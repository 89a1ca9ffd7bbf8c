/** Configuration: defaults, files, and clear errors for bad values. */
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_DEVICES } from "@switchboard/protocol";
import { ConfigError, DEFAULT_CONFIG, parseConfig } from "../../src/config/serverConfig.js";

describe("server configuration", () => {
  it("ships the three demo apps by default", () => {
    expect(DEFAULT_CONFIG.apps.map((a) => [a.id, a.identity])).toEqual([
      ["messenger", "email"],
      ["instagram", "username"],
      ["whatsapp", "phone"],
    ]);
  });

  it("accepts every reach policy and fills in defaults", () => {
    const config = parseConfig({
      port: 9000,
      apps: [
        { id: "a", identity: "email", reach: "open" },
        { id: "b", identity: "username", reach: "requests" },
        { id: "c", identity: "phone", reach: "closed", maxDevices: 3 },
        { id: "d", identity: "phone" },
      ],
    });
    expect(config.port).toBe(9000);
    expect(config.apps.map((a) => a.reach)).toEqual(["open", "requests", "closed", "requests"]);
    expect(config.apps[2]!.maxDevices).toBe(3);
    expect(config.apps[3]!.verification).toBe("none");
    expect(config.apps[3]!.maxDevices).toBe(DEFAULT_MAX_DEVICES);
  });

  it.each([
    [{ port: "80" }, /port/],
    [{ apps: [] }, /apps/],
    [{ apps: [{ id: "Bad Id", identity: "email" }] }, /id/],
    [{ apps: [{ id: "a", identity: "fax" }] }, /identity/],
    [{ apps: [{ id: "a", identity: "email", reach: "sometimes" }] }, /reach/],
    [
      {
        apps: [
          { id: "a", identity: "email" },
          { id: "a", identity: "phone" },
        ],
      },
      /unique/,
    ],
    [{ apps: [{ id: "a", identity: "email", maxDevices: 0 }] }, /maxDevices/],
    [
      { apps: [{ id: "a", identity: "email", maxDevices: 101 }] },
      /maxDevices must be an integer from 1 to 100/,
    ],
    [{ apps: [{ id: "a", identity: "email", maxDevices: 2.5 }] }, /maxDevices/],
  ])("refuses %j with a clear message", (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });
});
