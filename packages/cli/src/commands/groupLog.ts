/**
 * Membership events (SPEC GR4) as the CLI keeps them. The SDK emits a
 * `group` event when a commit is applied, whatever command applied it; the
 * CLI keeps each one in the profile twice: in the conversation's event
 * history (meta `cli.groupEvents.<id>`, for `history`) and as unprinted
 * (meta `cli.unprintedGroupEvents`) until `sync` or `listen` prints it.
 */
import type { GroupEvent, SwitchboardClient } from "@switchboard/client";

const PENDING = "cli.unprintedGroupEvents";
const historyKey = (conversationId: string) => `cli.groupEvents.${conversationId}`;
/** A conversation's kept events; older ones go first (history shows the recent past). */
const MAX_HISTORY = 500;

async function readList(client: SwitchboardClient, key: string): Promise<GroupEvent[]> {
  const stored = await client.getMeta(key);
  return stored === undefined || stored === "" ? [] : (JSON.parse(stored) as GroupEvent[]);
}

export interface GroupEventRecorder {
  /** Events since the last drain, oldest first. */
  drain(): GroupEvent[];
  /** Resolves once every event so far is in the profile's history. */
  settled(): Promise<void>;
  stop(): void;
}

export function recordGroupEvents(client: SwitchboardClient): GroupEventRecorder {
  let seen: GroupEvent[] = [];
  let writes = Promise.resolve();
  const off = client.events.on("group", (event) => {
    seen.push(event);
    writes = writes.then(async () => {
      const key = historyKey(event.conversationId);
      const kept = [...(await readList(client, key)), event].slice(-MAX_HISTORY);
      await client.setMeta(key, JSON.stringify(kept));
    });
  });
  return {
    drain: () => {
      const taken = seen;
      seen = [];
      return taken;
    },
    settled: () => writes.catch(() => undefined),
    stop: off,
  };
}

export async function savePendingGroupEvents(client: SwitchboardClient, events: GroupEvent[]): Promise<void> {
  if (events.length > 0)
    await client.setMeta(PENDING, JSON.stringify([...(await readList(client, PENDING)), ...events]));
}

export async function takePendingGroupEvents(client: SwitchboardClient): Promise<GroupEvent[]> {
  const pending = await readList(client, PENDING);
  if (pending.length > 0) await client.setMeta(PENDING, "");
  return pending;
}

/** The conversation's kept events, oldest first. */
export function groupHistory(client: SwitchboardClient, conversationId: string): Promise<GroupEvent[]> {
  return readList(client, historyKey(conversationId));
}
