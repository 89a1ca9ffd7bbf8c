/**
 * The server's configuration: defaults, then a JSON file, then environment
 * variables, then flags (each later one wins). One strict zod schema says
 * what a setting may be: an unknown key, a wrong type or a malformed URL
 * stops the server with a message naming its path (`apps[1].reach`, `db`),
 * never a silently different meaning.
 *
 * Settings come in sections (`verification` ...): each a strict object whose
 * fields all have defaults, listed in SECTIONS below. A new section is one
 * schema there; a file may give any part of it and the rest is defaulted.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_MAX_DEVICES, IDENTITY_KINDS, LIMITS, isAppId } from "@switchboard/protocol";
import { DEMO_APPS, VERIFICATION_MODES, type AppConfig } from "./apps.js";
import { DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from "../directory/verificationCodes.js";
import { DEFAULT_MEMBERSHIP_SETTINGS, type MembershipSettings } from "../delivery/membershipSettings.js";
import { DEFAULT_STORAGE_SETTINGS, type StorageSettings } from "../delivery/retention.js";
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from "../gateway/connectionSettings.js";
import {
  DEFAULT_RATE_LIMIT_SETTINGS,
  LIMIT_NAMES,
  type RateLimitSettings,
} from "../rateLimit/rateLimitSettings.js";
import type { MediaSettings } from "../media/settings.js";
import { MediaSection } from "./mediaSection.js";

export interface ServerConfig {
  host: string;
  port: number;
  /** A SQLite file path (":memory:" for tests), or a postgres:// URL. */
  db: string;
  /** NATS server URLs (comma-separated); "" for the in-process bus (one node only). */
  nats: string;
  apps: AppConfig[];
  logLevel: string;
  /** Registration codes (SPEC DIR9): lifetime, guesses, issue budget, webhook timeout. */
  verification: VerificationSettings;
  /** Connection limits, send budget, allowed web origins (SPEC EG2, EG3, EG6). */
  connections: ConnectionSettings;
  /** Token buckets per account and per IP (SPEC EG4). */
  rateLimits: RateLimitSettings;
  /** Retention, pruning and quotas (SPEC DS11-DS13). */
  storage: StorageSettings;
  /** Page sizes and caps on membership (SPEC DS15, DS16). */
  membership: MembershipSettings;
  /** Attachments: per-file limit (per app), account quota, blob and orphan ages (SPEC MD16). */
  media: MediaSettings;
}

/** The environment variables `serve` reads, and the setting each one sets. */
export const CONFIG_ENV = {
  SWITCHBOARD_HOST: "host",
  SWITCHBOARD_PORT: "port",
  SWITCHBOARD_DB: "db",
  SWITCHBOARD_NATS: "nats",
  LOG_LEVEL: "logLevel",
} as const;

type Overridable = Pick<ServerConfig, "host" | "port" | "db" | "nats" | "logLevel">;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** True when `db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

// --- Field schemas ---------------------------------------------------------

const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .positive();

/** Looks like "scheme:" (but not a Windows drive letter): a URL, not a file path. */
const URL_LIKE = /^[a-z][a-z0-9+.-]+:/i;

function hasHost(text: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(text);
    return protocols.includes(url.protocol) && url.hostname !== "" && text.startsWith(`${url.protocol}//`);
  } catch {
    return false;
  }
}

const Db = z
  .string({ error: "db must be a string" })
  .min(1, { error: "db must not be empty" })
  .refine((db) => !URL_LIKE.test(db) || hasHost(db, ["postgres:", "postgresql:"]), {
    error: (issue) =>
      `"${String(issue.input)}" is neither a postgres://user@host/database URL nor a SQLite file path`,
  });

const natsUrl = z.string().refine((url) => hasHost(url, ["nats:", "tls:"]), {
  error: (issue) => `"${String(issue.input)}" is not a nats:// URL`,
});

/** One URL, a comma-separated list or a JSON list; kept as one comma-separated string. */
const Nats = z
  .union(
    [
      z.string().transform((s) => s.split(",")),
      z.array(z.string(), { error: "nats must be a URL or a list of URLs" }),
    ],
    { error: "nats must be a URL or a list of URLs" },
  )
  .transform((urls) => urls.map((u) => u.trim()).filter((u) => u !== ""))
  .pipe(z.array(natsUrl))
  .transform((urls) => urls.join(","));

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const App = z
  .strictObject({
    id: z
      .string({ error: "id must be a lower-case app id" })
      .refine(isAppId, { error: "id must be a lower-case app id" }),
    displayName: z.string().max(LIMITS.maxDisplayNameLength).optional(),
    brandColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'brandColor must be "#rrggbb"' })
      .default("#555555"),
    identity: z.enum(IDENTITY_KINDS, { error: `identity must be one of ${IDENTITY_KINDS.join(", ")}` }),
    reach: z
      .enum(["open", "requests", "closed"], { error: "reach must be one of open, requests, closed" })
      .default("requests"),
    verification: z
      .enum(VERIFICATION_MODES, { error: `verification must be one of ${VERIFICATION_MODES.join(", ")}` })
      .default("none"),
    verificationWebhook: z
      .string()
      .refine((url) => hasHost(url, ["http:", "https:"]), {
        error: "verificationWebhook must be an http:// or https:// URL",
      })
      .optional(),
    maxDevices: z
      .number({ error: `maxDevices must be an integer from 1 to ${LIMITS.maxDevicesPerAccount}` })
      .int({ error: `maxDevices must be an integer from 1 to ${LIMITS.maxDevicesPerAccount}` })
      .min(1, { error: `maxDevices must be an integer from 1 to ${LIMITS.maxDevicesPerAccount}` })
      .max(LIMITS.maxDevicesPerAccount, {
        error: `maxDevices must be an integer from 1 to ${LIMITS.maxDevicesPerAccount}`,
      })
      .default(DEFAULT_MAX_DEVICES),
  })
  .superRefine((app, ctx) => {
    if (app.verification === "webhook" && app.verificationWebhook === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["verificationWebhook"],
        message: 'verificationWebhook (a URL) is required with verification "webhook"',
      });
  })
  .transform(
    (app): AppConfig => ({
      id: app.id,
      displayName: app.displayName ?? app.id,
      brandColor: app.brandColor,
      identity: app.identity,
      reach: app.reach,
      verification: app.verification,
      ...(app.verificationWebhook === undefined ? {} : { verificationWebhook: app.verificationWebhook }),
      maxDevices: app.maxDevices,
    }),
  );

const Apps = z
  .array(App, { error: "apps must be a non-empty array" })
  .min(1, { error: "apps must be a non-empty array" })
  .superRefine((apps, ctx) => {
    if (new Set(apps.map((a) => a.id)).size !== apps.length)
      ctx.addIssue({ code: "custom", message: "app ids must be unique" });
  });

// --- Sections: strict objects whose every field has a default ---------------

const d = DEFAULT_VERIFICATION_SETTINGS;
const VerificationSection = z
  .strictObject({
    codeTtlMs: positiveInt("codeTtlMs").default(d.codeTtlMs),
    maxAttemptsPerCode: positiveInt("maxAttemptsPerCode").default(d.maxAttemptsPerCode),
    maxCodesPerHour: positiveInt("maxCodesPerHour").default(d.maxCodesPerHour),
    webhookTimeoutMs: positiveInt("webhookTimeoutMs").default(d.webhookTimeoutMs),
  })
  .prefault({});

const c = DEFAULT_CONNECTION_SETTINGS;
const ConnectionsSection = z
  .strictObject({
    sendBudgetBytes: positiveInt("sendBudgetBytes").default(c.sendBudgetBytes),
    answerBytesPerTurn: positiveInt("answerBytesPerTurn").default(c.answerBytesPerTurn),
    stuckCloseMs: positiveInt("stuckCloseMs").default(c.stuckCloseMs),
    helloDeadlineMs: positiveInt("helloDeadlineMs").default(c.helloDeadlineMs),
    maxPreHelloFrameBytes: positiveInt("maxPreHelloFrameBytes").default(c.maxPreHelloFrameBytes),
    maxConnections: positiveInt("maxConnections").default(c.maxConnections),
    maxConnectionsPerIp: positiveInt("maxConnectionsPerIp").default(c.maxConnectionsPerIp),
    trustForwardedFor: z.boolean({ error: "trustForwardedFor must be true or false" }).default(false),
    allowedOrigins: z
      .array(
        z.string().refine((o) => hasHost(o, ["http:", "https:"]), {
          error: "allowedOrigins must be http:// or https:// origins",
        }),
      )
      .default([]),
  })
  .prefault({});

const BucketRate = z.strictObject({
  burst: positiveInt("burst"),
  perMinute: z.number({ error: "perMinute must be a number" }).positive(),
});
const RateLimitsSection = z
  .strictObject({
    limits: z
      .strictObject(
        Object.fromEntries(
          LIMIT_NAMES.map((name) => [name, BucketRate.default(DEFAULT_RATE_LIMIT_SETTINGS.limits[name])]),
        ) as Record<(typeof LIMIT_NAMES)[number], z.ZodDefault<typeof BucketRate>>,
      )
      .prefault({}),
    maxBuckets: positiveInt("maxBuckets").default(DEFAULT_RATE_LIMIT_SETTINGS.maxBuckets),
  })
  .prefault({});

const st = DEFAULT_STORAGE_SETTINGS;
const StorageSection = z
  .strictObject({
    pruneGraceMs: positiveInt("pruneGraceMs").default(st.pruneGraceMs),
    retentionMs: positiveInt("retentionMs").default(st.retentionMs),
    pruneIntervalMs: positiveInt("pruneIntervalMs").default(st.pruneIntervalMs),
    pruneBatchEntries: positiveInt("pruneBatchEntries").default(st.pruneBatchEntries),
    pruneBatchConversations: positiveInt("pruneBatchConversations").default(st.pruneBatchConversations),
    maxQueuedBytesPerDevice: positiveInt("maxQueuedBytesPerDevice").default(st.maxQueuedBytesPerDevice),
    maxInboxBytesPerDevice: positiveInt("maxInboxBytesPerDevice").default(st.maxInboxBytesPerDevice),
  })
  .prefault({});

const m = DEFAULT_MEMBERSHIP_SETTINGS;
const MembershipSection = z
  .strictObject({
    conversationsPerPage: positiveInt("conversationsPerPage").default(m.conversationsPerPage),
    devicesPerPage: positiveInt("devicesPerPage").default(m.devicesPerPage),
    maxConversationsPerAccount: positiveInt("maxConversationsPerAccount").default(
      m.maxConversationsPerAccount,
    ),
    maxGroupAddsPerHour: positiveInt("maxGroupAddsPerHour").default(m.maxGroupAddsPerHour),
  })
  .prefault({});

/** A section is a strict object whose fields have defaults; add one here and to ServerConfig. */
const SECTIONS = {
  verification: VerificationSection,
  connections: ConnectionsSection,
  rateLimits: RateLimitsSection,
  storage: StorageSection,
  membership: MembershipSection,
  media: MediaSection,
};

const ConfigSchema = z.strictObject({
  host: z
    .string({ error: "host must be a string" })
    .min(1, { error: "host must not be empty" })
    .default("127.0.0.1"),
  port: z
    .number({ error: "port must be an integer from 0 to 65535" })
    .int({ error: "port must be an integer from 0 to 65535" })
    .min(0, { error: "port must be an integer from 0 to 65535" })
    .max(65535, { error: "port must be an integer from 0 to 65535" })
    .default(8787),
  db: Db.default("./data/switchboard.db"),
  nats: Nats.default(""),
  apps: Apps.default(() => [...DEMO_APPS]),
  logLevel: z.enum(LOG_LEVELS, { error: `logLevel must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ...SECTIONS,
});

// Compile-time check that the schema makes exactly a ServerConfig.
const _sameShape: (c: z.output<typeof ConfigSchema>) => ServerConfig = (c) => c;
void _sameShape;

// --- Parsing ---------------------------------------------------------------

/** `apps[1].reach`, `db`, `verification.codeTtlMs` */
function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function configError(error: z.ZodError, prefix = ""): ConfigError {
  const lines = error.issues.flatMap((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown setting`);
    return [`${where === "" ? "" : `${where}: `}${issue.message}`];
  });
  return new ConfigError(`${prefix}${lines.join("; ")}`);
}

export const DEFAULT_CONFIG: ServerConfig = ConfigSchema.parse({});

/**
 * Parse a config object (from a JSON file) over `base`: each top-level
 * setting it gives replaces base's (a section given in part is completed
 * with that section's defaults); the others are base's.
 */
export function parseConfig(raw: unknown, base: ServerConfig = DEFAULT_CONFIG): ServerConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ConfigError("the config must be a JSON object");
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error);
  const given = new Set(Object.keys(raw));
  const config: ServerConfig = { ...base };
  for (const key of Object.keys(parsed.data) as (keyof ServerConfig)[])
    if (given.has(key)) (config as unknown as Record<string, unknown>)[key] = parsed.data[key];
  return config;
}

/**
 * Layer environment variables and then flags over a config (defaults or a
 * file). Only variables and flags that are set count; values are checked
 * as a file's would be, and an error names the variable or flag.
 */
export function resolveConfig(
  base: ServerConfig,
  env: Record<string, string | undefined>,
  flags: Partial<Record<keyof Overridable, string>>,
): ServerConfig {
  let config = base;
  const take = (key: keyof Overridable, value: string | undefined, from: string) => {
    if (value === undefined) return;
    let setting: unknown = value;
    if (key === "port") {
      if (value.trim() === "" || !Number.isInteger(Number(value)))
        throw new ConfigError(`${from} must be a port number`);
      setting = Number(value);
    }
    try {
      config = parseConfig({ [key]: setting }, config);
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`${from}: ${err.message}`);
      throw err;
    }
  };
  for (const [name, key] of Object.entries(CONFIG_ENV)) take(key, env[name], name);
  for (const [key, value] of Object.entries(flags)) take(key as keyof Overridable, value, `--${key}`);
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
  try {
    return parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`config file ${path}: ${err.message}`);
    throw err;
  }
}
