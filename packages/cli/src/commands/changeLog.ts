/**
 * Reactions, edits and deletes reach a profile whenever any command syncs
 * (`send` and `react` connect and apply what is new too), but only `sync` and
 * `listen` print. Changes applied by another command are kept in the
 * profile (meta `app.cli.unprintedChanges`) until one of them prints them, so
 * none is lost and none is printed twice.
 */
import type { ContentNotice, SwitchboardClient, TimerChange } from "@switchboard/client";

/** A change sync and listen print: to a message, or (SPEC XP3) to the conversation's timer. */
export type Change =
  | Exclude<ContentNotice, { kind: "message" | "title" }>
  | (TimerChange & { kind: "timer" });

const KEY = "cli.unprintedChanges";
const KINDS = ["reaction", "edit", "delete"] as const;

export interface ChangeRecorder {
  /** What was applied since the last drain, oldest first. */
  drain(): Change[];
  stop(): void;
}

export function recordChanges(client: SwitchboardClient): ChangeRecorder {
  let seen: Change[] = [];
  const offs = KINDS.map((kind) => client.events.on(kind, (change) => seen.push(change)));
  offs.push(client.events.on("timer", (change) => seen.push({ kind: "timer", ...change })));
  return {
    drain: () => {
      const taken = seen;
      seen = [];
      return taken;
    },
    stop: () => offs.forEach((off) => off()),
  };
}

async function loadPending(client: SwitchboardClient): Promise<Change[]> {
  const stored = await client.getMeta(KEY);
  return stored === undefined || stored === "" ? [] : (JSON.parse(stored) as Change[]);
}

/**
 * Keep changes no command printed, for the next `sync` or `listen`. An edit
 * of a message since deleted for everyone is dropped: its text must not
 * outlive the delete in the profile (SPEC CT7).
 */
export async function savePending(client: SwitchboardClient, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  const all = [...(await loadPending(client)), ...changes];
  const deleted = new Set(
    all.filter((c) => c.kind === "delete").map((c) => `${c.conversationId} ${c.messageId}`),
  );
  const kept = all.filter((c) => c.kind !== "edit" || !deleted.has(`${c.conversationId} ${c.messageId}`));
  await client.setMeta(KEY, JSON.stringify(kept));
}

/** The changes kept for printing, removed from the profile. */
export async function takePending(client: SwitchboardClient): Promise<Change[]> {
  const pending = await loadPending(client);
  if (pending.length > 0) await client.setMeta(KEY, "");
  return pending;
}
