/** A CLI profile: one device's keys and state in a directory, opened as an SDK client. */
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import type { SwitchboardClient } from "@switchboard/client";
import { recordChanges, savePending, type ChangeRecorder } from "./changeLog.js";

export interface ClientFlags {
  profile: string;
  server: string;
}

export const DEFAULT_SERVER = "http://127.0.0.1:8787";

export function clientFlags(command: Command): ClientFlags {
  const opts = command.optsWithGlobals<{ profile?: string; server?: string }>();
  return {
    profile: opts.profile ?? join(homedir(), ".switchboard", "default"),
    server: opts.server ?? process.env.SWITCHBOARD_SERVER ?? DEFAULT_SERVER,
  };
}

/** Open the profile; `registered` (the default) insists the profile has an identity. */
export async function openProfile(
  flags: ClientFlags,
  options: { registered?: boolean } = {},
): Promise<SwitchboardClient> {
  // Loaded here, not at start: `switchboard --help` need not load the SDK and its MLS stack.
  const { openNodeClient } = await import("@switchboard/client/node");
  const client = await openNodeClient(flags.profile);
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
  fn: (client: SwitchboardClient, changes: ChangeRecorder) => Promise<T>,
): Promise<T> {
  const client = await openProfile(flags);
  const changes = recordChanges(client);
  try {
    return await fn(client, changes);
  } finally {
    changes.stop();
    await savePending(client, changes.drain()).catch(() => undefined);
    await client.close();
  }
}
