/**
 * The server's configuration: defaults, then a JSON file, then environment
 * variables, then flags (each later one wins). Parsed and checked once at
 * start; anything bad stops the server with a clear message.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_MAX_DEVICES, IDENTITY_KINDS, LIMITS, isAppId } from "@switchboard/protocol";
import { DEMO_APPS, type AppConfig } from "./apps.js";

export interface ServerConfig {
  host: string;
  port: number;
  /** A SQLite file path (":memory:" for tests), or a postgres:// URL. */
  db: string;
  /** NATS server URLs (comma-separated); "" for the in-process bus (one node only). */
  nats: string;
  apps: AppConfig[];
  logLevel: string;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: "127.0.0.1",
  port: 8787,
  db: "./data/switchboard.db",
  nats: "",
  apps: [...DEMO_APPS],
  logLevel: "info",
};

/** The environment variables `serve` reads, and the setting each one sets. */
export const CONFIG_ENV = {
  SWITCHBOARD_HOST: "host",
  SWITCHBOARD_PORT: "port",
  SWITCHBOARD_DB: "db",
  SWITCHBOARD_NATS: "nats",
  LOG_LEVEL: "logLevel",
} as const;

type Overridable = Pick<ServerConfig, "host" | "port" | "db" | "nats" | "logLevel">;

/**
 * Layer environment variables and then flags over a config (defaults or a
 * file). Only variables and flags that are set count; values are checked
 * as a file's would be.
 */
export function resolveConfig(
  base: ServerConfig,
  env: Record<string, string | undefined>,
  flags: Partial<Record<keyof Overridable, string>>,
): ServerConfig {
  const raw: Record<string, unknown> = {};
  const take = (key: keyof Overridable, value: string | undefined, from: string) => {
    if (value === undefined) return;
    if (key === "port") {
      const port = Number(value);
      if (value.trim() === "" || !Number.isInteger(port))
        throw new ConfigError(`${from} must be a port number`);
      raw.port = port;
    } else raw[key] = value;
  };
  for (const [name, key] of Object.entries(CONFIG_ENV)) take(key, env[name], name);
  for (const [key, value] of Object.entries(flags)) take(key as keyof Overridable, value, `--${key}`);
  return parseConfig(raw, base);
}

/** True when `db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const REACH = ["open", "requests", "closed"];
const VERIFICATION = ["none", "code"];

function parseApp(raw: unknown, index: number): AppConfig {
  const where = `apps[${index}]`;
  if (typeof raw !== "object" || raw === null) throw new ConfigError(`${where} must be an object`);
  const app = raw as Record<string, unknown>;
  const id = app.id;
  if (typeof id !== "string" || !isAppId(id))
    throw new ConfigError(`${where}.id must be a lower-case app id`);
  const identity = app.identity;
  if (typeof identity !== "string" || !(IDENTITY_KINDS as readonly string[]).includes(identity)) {
    throw new ConfigError(`${where}.identity must be one of ${IDENTITY_KINDS.join(", ")}`);
  }
  const reach = app.reach ?? "requests";
  if (typeof reach !== "string" || !REACH.includes(reach))
    throw new ConfigError(`${where}.reach must be one of ${REACH.join(", ")}`);
  const verification = app.verification ?? "none";
  if (typeof verification !== "string" || !VERIFICATION.includes(verification)) {
    throw new ConfigError(`${where}.verification must be one of ${VERIFICATION.join(", ")}`);
  }
  const maxDevices = app.maxDevices ?? DEFAULT_MAX_DEVICES;
  const most = LIMITS.maxDevicesPerAccount;
  if (
    typeof maxDevices !== "number" ||
    !Number.isInteger(maxDevices) ||
    maxDevices < 1 ||
    maxDevices > most
  ) {
    throw new ConfigError(`${where}.maxDevices must be an integer from 1 to ${most}`);
  }
  const displayName = typeof app.displayName === "string" ? app.displayName : id;
  const brandColor = typeof app.brandColor === "string" ? app.brandColor : "#555555";
  return {
    id,
    displayName,
    brandColor,
    identity: identity as AppConfig["identity"],
    reach: reach as AppConfig["reach"],
    verification: verification as AppConfig["verification"],
    maxDevices,
  };
}

/** Parse a config object (from a JSON file) over the defaults. */
export function parseConfig(raw: unknown, base: ServerConfig = DEFAULT_CONFIG): ServerConfig {
  if (typeof raw !== "object" || raw === null) throw new ConfigError("the config must be a JSON object");
  const obj = raw as Record<string, unknown>;
  const config: ServerConfig = { ...base };
  if (obj.host !== undefined) {
    if (typeof obj.host !== "string") throw new ConfigError("host must be a string");
    config.host = obj.host;
  }
  if (obj.port !== undefined) {
    if (typeof obj.port !== "number" || !Number.isInteger(obj.port) || obj.port < 0 || obj.port > 65535) {
      throw new ConfigError("port must be an integer from 0 to 65535");
    }
    config.port = obj.port;
  }
  if (obj.db !== undefined) {
    if (typeof obj.db !== "string") throw new ConfigError("db must be a string");
    config.db = obj.db;
  }
  if (obj.nats !== undefined) {
    if (
      typeof obj.nats !== "string" &&
      !(Array.isArray(obj.nats) && obj.nats.every((u) => typeof u === "string"))
    )
      throw new ConfigError("nats must be a URL or a list of URLs");
    const urls = (Array.isArray(obj.nats) ? obj.nats : obj.nats.split(","))
      .map((u: string) => u.trim())
      .filter((u: string) => u !== "");
    for (const url of urls)
      if (!/^(nats|tls):\/\/[^\s]+$/.test(url)) throw new ConfigError(`nats: "${url}" is not a nats:// URL`);
    config.nats = urls.join(",");
  }
  if (obj.logLevel !== undefined) {
    if (typeof obj.logLevel !== "string") throw new ConfigError("logLevel must be a string");
    config.logLevel = obj.logLevel;
  }
  if (obj.apps !== undefined) {
    if (!Array.isArray(obj.apps) || obj.apps.length === 0)
      throw new ConfigError("apps must be a non-empty array");
    const apps = obj.apps.map(parseApp);
    const ids = new Set(apps.map((a) => a.id));
    if (ids.size !== apps.length) throw new ConfigError("app ids must be unique");
    config.apps = apps;
  }
  return config;
}

export function loadConfigFile(path: string): ServerConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON`, { cause: err });
  }
  return parseConfig(raw);
}
