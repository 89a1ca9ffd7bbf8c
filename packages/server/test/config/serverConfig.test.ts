/** Configuration: defaults, files, and clear errors for bad values. */
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_DEVICES } from "@switchboard/protocol";
import {
  ConfigError,
  DEFAULT_CONFIG,
  isPostgresUrl,
  parseConfig,
  resolveConfig,
} from "../../src/config/serverConfig.js";
import { DEFAULT_VERIFICATION_SETTINGS } from "../../src/directory/verificationCodes.js";
import { DEFAULT_MEMBERSHIP_SETTINGS } from "../../src/delivery/membershipSettings.js";
import { DEFAULT_STORAGE_SETTINGS } from "../../src/delivery/retention.js";
import { DEFAULT_CONNECTION_SETTINGS } from "../../src/gateway/connectionSettings.js";
import { DEFAULT_RATE_LIMIT_SETTINGS } from "../../src/rateLimit/rateLimitSettings.js";

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

describe("configuration layers", () => {
  it("take environment variables over the file and flags over both", () => {
    const file = parseConfig({ port: 9000, db: "./file.db", logLevel: "warn" });
    const env = { SWITCHBOARD_PORT: "9100", SWITCHBOARD_DB: "postgres://db/switchboard", UNRELATED: "x" };
    const resolved = resolveConfig(file, env, { port: "9200" });
    expect(resolved).toMatchObject({
      port: 9200,
      db: "postgres://db/switchboard",
      logLevel: "warn",
      nats: "",
    });
    expect(resolveConfig(DEFAULT_CONFIG, {}, {})).toEqual(DEFAULT_CONFIG);
  });

  it("take NATS as one URL, a comma-separated list or a JSON list, and refuse anything else", () => {
    expect(resolveConfig(DEFAULT_CONFIG, { SWITCHBOARD_NATS: "nats://a:4222, nats://b:4222" }, {}).nats).toBe(
      "nats://a:4222,nats://b:4222",
    );
    expect(parseConfig({ nats: ["nats://a:4222"] }).nats).toBe("nats://a:4222");
    expect(() => resolveConfig(DEFAULT_CONFIG, {}, { nats: "http://a" })).toThrow(ConfigError);
    expect(() => resolveConfig(DEFAULT_CONFIG, { SWITCHBOARD_PORT: "eighty" }, {})).toThrow(
      /SWITCHBOARD_PORT/,
    );
    expect(() => resolveConfig(DEFAULT_CONFIG, {}, { port: "70000" })).toThrow(ConfigError);
  });

  it("tell a PostgreSQL URL from a SQLite path", () => {
    expect(isPostgresUrl("postgres://127.0.0.1/test")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h:5432/db")).toBe(true);
    expect(isPostgresUrl("./data/switchboard.db")).toBe(false);
    expect(isPostgresUrl(":memory:")).toBe(false);
  });
});

describe("strict configuration (zod schema)", () => {
  const message = (raw: unknown): string => {
    try {
      parseConfig(raw);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error("expected a ConfigError");
  };

  it.each([
    [{ colour: "red" }, "colour: unknown setting"],
    [
      {
        apps: [
          { id: "a", identity: "email" },
          { id: "b", identity: "email", reach: "nobody" },
        ],
      },
      "apps[1].reach: ",
    ],
    [{ apps: [{ id: "a", identity: "email", colour: "red" }] }, "apps[0].colour: unknown setting"],
    [{ db: "postgres:/x" }, "db: "],
    [{ db: "postgresql:x" }, "db: "],
    [{ db: "mysql://h/db" }, "db: "],
    [{ nats: "nats:/x" }, "nats[0]: "],
    [{ nats: ["nats://a:4222", "nats:/x"] }, "nats[1]: "],
    [{ logLevel: "loud" }, "logLevel: "],
    [{ verification: { codeTtlMs: -1 } }, "verification.codeTtlMs: "],
    [{ verification: { tries: 3 } }, "verification.tries: unknown setting"],
    [{ apps: [{ id: "a", identity: "phone", verification: "webhook" }] }, "apps[0].verificationWebhook: "],
    [
      { apps: [{ id: "a", identity: "phone", verification: "webhook", verificationWebhook: "ftp://x/y" }] },
      "apps[0].verificationWebhook: ",
    ],
    [{ apps: [{ id: "a", identity: "phone", verification: "code" }] }, "apps[0].verification: "],
    [{ connections: { maxConnectionsPerIp: 0 } }, "connections.maxConnectionsPerIp: "],
    [{ connections: { allowedOrigins: ["chat.example.com"] } }, "connections.allowedOrigins[0]: "],
    [
      { rateLimits: { limits: { sendPerAccount: { burst: 10 } } } },
      "rateLimits.limits.sendPerAccount.perMinute: ",
    ],
    [
      { rateLimits: { limits: { sendsPerAccount: { burst: 1, perMinute: 1 } } } },
      "rateLimits.limits.sendsPerAccount: unknown setting",
    ],
    [{ storage: { retentionDays: 30 } }, "storage.retentionDays: unknown setting"],
    [{ membership: { maxGroupAddsPerHour: 1.5 } }, "membership.maxGroupAddsPerHour: "],
  ])("[CFG1] refuses %j, naming the path", (raw, expected) => {
    expect(message(raw)).toContain(expected);
  });

  it("[CFG1] accepts URLs and paths that mean what they say", () => {
    expect(parseConfig({ db: "postgres://u@h:5432/db" }).db).toBe("postgres://u@h:5432/db");
    expect(parseConfig({ db: "./data/x.db" }).db).toBe("./data/x.db");
    expect(parseConfig({ db: ":memory:" }).db).toBe(":memory:");
    expect(parseConfig({ db: "/var/lib/switchboard.db" }).db).toBe("/var/lib/switchboard.db");
    expect(parseConfig({ nats: "tls://a:4222,nats://b" }).nats).toBe("tls://a:4222,nats://b");
  });

  it("[CFG2] per-app verification: none by default, log, or webhook with its URL", () => {
    const config = parseConfig({
      apps: [
        { id: "a", identity: "email" },
        { id: "b", identity: "phone", verification: "log" },
        {
          id: "c",
          identity: "phone",
          verification: "webhook",
          verificationWebhook: "https://sms.example/send",
        },
      ],
    });
    expect(config.apps.map((a) => a.verification)).toEqual(["none", "log", "webhook"]);
    expect(config.apps[2]!.verificationWebhook).toBe("https://sms.example/send");
    expect("verificationWebhook" in config.apps[0]!).toBe(false);
  });

  it("[CFG3] the hub's sections (connections, rateLimits, storage, membership) have the hub's defaults", () => {
    const config = parseConfig({
      connections: { maxConnectionsPerIp: 50, allowedOrigins: ["https://chat.example.com"] },
      rateLimits: { limits: { sendPerAccount: { burst: 5, perMinute: 30 } } },
      storage: { retentionMs: 86_400_000 },
      membership: { maxGroupAddsPerHour: 10 },
    });
    expect(config.connections).toEqual({
      ...DEFAULT_CONNECTION_SETTINGS,
      maxConnectionsPerIp: 50,
      allowedOrigins: ["https://chat.example.com"],
    });
    expect(config.rateLimits.limits).toEqual({
      ...DEFAULT_RATE_LIMIT_SETTINGS.limits,
      sendPerAccount: { burst: 5, perMinute: 30 },
    });
    expect(config.rateLimits.maxBuckets).toBe(DEFAULT_RATE_LIMIT_SETTINGS.maxBuckets);
    expect(config.storage).toEqual({ ...DEFAULT_STORAGE_SETTINGS, retentionMs: 86_400_000 });
    expect(config.membership).toEqual({ ...DEFAULT_MEMBERSHIP_SETTINGS, maxGroupAddsPerHour: 10 });
  });

  it("[CFG3] a section given in part is completed with its defaults; one not given keeps the layer below", () => {
    expect(DEFAULT_CONFIG.verification).toEqual(DEFAULT_VERIFICATION_SETTINGS);
    const file = parseConfig({ verification: { maxCodesPerHour: 10 } });
    expect(file.verification).toEqual({ ...DEFAULT_VERIFICATION_SETTINGS, maxCodesPerHour: 10 });
    const resolved = resolveConfig(file, { SWITCHBOARD_PORT: "9100" }, { host: "0.0.0.0" });
    expect(resolved.verification.maxCodesPerHour).toBe(10);
    expect(resolved).toMatchObject({ port: 9100, host: "0.0.0.0" });
  });

  it("[CFG1] an error in an environment variable or flag names it", () => {
    expect(() => resolveConfig(DEFAULT_CONFIG, { SWITCHBOARD_DB: "postgres:/x" }, {})).toThrow(
      /SWITCHBOARD_DB: db: /,
    );
    expect(() => resolveConfig(DEFAULT_CONFIG, {}, { nats: "nats:/x" })).toThrow(/--nats: nats\[0\]: /);
  });
});
