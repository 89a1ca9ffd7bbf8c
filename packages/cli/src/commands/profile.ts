/** A CLI profile: one device's keys and state in a directory, opened as an SDK client. */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import type { SwitchboardClient } from "@switchboard/client";
import { recordChanges, savePending, type ChangeRecorder } from "./changeLog.js";
import { recordGroupEvents, savePendingGroupEvents, type GroupEventRecorder } from "./groupLog.js";

export interface ClientFlags {
  profile: string;
  /** The hub URL(s) for register, link and request-code. */
  server: string;
  /** --server or SWITCHBOARD_SERVER when given: it wins over the profile's stored list (SPEC CL1). */
  override: string | undefined;
  /** How long a command waits for the hub before "hub unreachable" (SPEC CL2). */
  connectTimeoutMs: number;
}

export const DEFAULT_SERVER = "http://127.0.0.1:8787";

/** Long enough for a hub on the other side of the world, short enough that a down hub is said so. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function clientFlags(command: Command): ClientFlags {
  const opts = command.optsWithGlobals<{ profile?: string; server?: string }>();
  const env = process.env.SWITCHBOARD_SERVER;
  const override = opts.server ?? (env === undefined || env.trim() === "" ? undefined : env);
  if (override !== undefined)
    checkServers(override, opts.server !== undefined ? "--server" : "SWITCHBOARD_SERVER");
  const timeout = Number(process.env.SWITCHBOARD_CONNECT_TIMEOUT_MS);
  return {
    profile: opts.profile ?? join(homedir(), ".switchboard", "default"),
    server: override ?? DEFAULT_SERVER,
    override,
    connectTimeoutMs: timeout > 0 ? timeout : DEFAULT_CONNECT_TIMEOUT_MS,
  };
}

/** [CL1] Each comma-separated URL must name its scheme: "127.0.0.1:8787" is refused, saying what to write. */
export function checkServers(servers: string, source: string): void {
  const list = servers.split(",").map((s) => s.trim());
  for (const url of list) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
    if (scheme === "http" || scheme === "https") continue;
    const hint = scheme === undefined ? `; did you mean http://${url}?` : "";
    throw new Error(`${source} "${url}" is not an http:// or https:// URL${hint}`);
  }
}

/**
 * Open the profile; `registered` (the default) insists the profile has an
 * identity. A one-shot command gives up on a down hub after
 * connectTimeoutMs; `stayConnected` (listen) waits through outages instead.
 */
export async function openProfile(
  flags: ClientFlags,
  options: { registered?: boolean; stayConnected?: boolean } = {},
): Promise<SwitchboardClient> {
  // Loaded here, not at start: `switchboard --help` need not load the SDK and its MLS stack.
  const { openNodeClient } = await import("@switchboard/client/node");
  const client = await openNodeClient(flags.profile, {
    ...(flags.override === undefined ? {} : { servers: flags.override }),
    ...(options.stayConnected ? {} : { connectTimeoutMs: flags.connectTimeoutMs }),
  });
  const identity = await client.open();
  if ((options.registered ?? true) && !identity) {
    await client.close();
    throw new Error(
      `profile ${flags.profile} has no device yet: run \`switchboard register <handle>@<app>\` first`,
    );
  }
  // [XP5] whatever the command, messages whose time is up are deleted first.
  if (identity) await client.expiry.sweep();
  // [DS12] say what was lost, once, whatever the command.
  client.events.on("historyExpired", ({ conversationId, firstSeq }) =>
    process.stderr.write(
      `switchboard: conversation ${conversationId}: messages before #${firstSeq} were deleted from the hub ` +
        `before this device read them (offline too long); it rejoined and reads new ones\n`,
    ),
  );
  return client;
}

/**
 * Run with an open client, always closing it. Reactions, edits and deletes
 * the command applied without printing them are kept for `sync` (changeLog.ts).
 */
export async function withClient<T>(
  flags: ClientFlags,
  fn: (client: SwitchboardClient, changes: ChangeRecorder, groupEvents: GroupEventRecorder) => Promise<T>,
): Promise<T> {
  const client = await openProfile(flags);
  const changes = recordChanges(client);
  const groupEvents = recordGroupEvents(client);
  try {
    return await fn(client, changes, groupEvents);
  } finally {
    changes.stop();
    // Delivered receipts for what this command received go before the profile closes (SPEC RS2).
    await client.status.flush().catch(() => undefined);
    groupEvents.stop();
    await savePending(client, changes.drain()).catch(() => undefined);
    await groupEvents.settled();
    await savePendingGroupEvents(client, groupEvents.drain()).catch(() => undefined);
    await client.close();
  }
}

/**
 * [CL3] Run `fn` on a profile that may not exist yet (register,
 * request-code). If it fails, what this run created goes: the directory when
 * it was new, else the files it added, so a failed register leaves no
 * half-made profile behind and the next attempt starts clean.
 */
export async function withNewProfile<T>(
  flags: ClientFlags,
  fn: (client: SwitchboardClient) => Promise<T>,
): Promise<T> {
  const before = existsSync(flags.profile) ? new Set(readdirSync(flags.profile)) : undefined;
  let client: SwitchboardClient | undefined;
  try {
    client = await openProfile(flags, { registered: false });
    return await fn(client);
  } catch (err) {
    await client?.close().catch(() => undefined);
    client = undefined;
    removeCreated(flags.profile, before);
    throw err;
  } finally {
    await client?.close();
  }
}

function removeCreated(dir: string, before: Set<string> | undefined): void {
  if (before === undefined) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir))
    if (!before.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * [CL2] For `listen`: say on stderr when the link is up, when it is lost and
 * when it is back, once per change (not once per failed attempt).
 */
export function reportConnection(client: SwitchboardClient, flags: ClientFlags): void {
  let state: "starting" | "up" | "down" | "unreachable" = "starting";
  const say = (line: string) => process.stderr.write(`switchboard: ${line}\n`);
  client.events.on("connection", ({ state: now, detail }) => {
    const why = detail === undefined ? "" : ` (${detail})`;
    if (now === "connected") {
      say(state === "down" || state === "unreachable" ? "connected again" : "connected");
      state = "up";
    } else if (now === "disconnected" && state === "up") {
      say(`connection lost${why}; reconnecting`);
      state = "down";
    } else if (now === "disconnected" && state === "starting") {
      say(`hub unreachable at ${flags.override ?? "the profile's hub"}${why}; retrying`);
      state = "unreachable";
    }
  });
}
