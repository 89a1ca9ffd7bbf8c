/** The CLI's kept changes (changeLog.ts): printed once, and no edited text outlives a delete for everyone. */
import { describe, expect, it } from "vitest";
import type { SwitchboardClient } from "@switchboard/client";
import { savePending, takePending, type Change } from "../src/commands/changeLog.js";

function fakeClient(): SwitchboardClient & { meta: Map<string, string> } {
  const meta = new Map<string, string>();
  return {
    meta,
    getMeta: async (key: string) => meta.get(key),
    setMeta: async (key: string, value: string) => void meta.set(key, value),
  } as unknown as SwitchboardClient & { meta: Map<string, string> };
}

const base = { conversationId: "c", senderAddress: "a@messenger", at: 1 };
const edit = (messageId: string, text: string, seq: number): Change =>
  ({ ...base, kind: "edit", id: `e${seq}`, seq, messageId, message: { text } }) as unknown as Change;
const del = (messageId: string, seq: number): Change => ({
  ...base,
  kind: "delete",
  id: `d${seq}`,
  seq,
  messageId,
});

describe("kept changes", () => {
  it("are taken once, in order", async () => {
    const client = fakeClient();
    await savePending(client, [edit("m1", "one", 1)]);
    await savePending(client, [edit("m2", "two", 2)]);
    expect((await takePending(client)).map((c) => c.seq)).toEqual([1, 2]);
    expect(await takePending(client)).toEqual([]);
  });

  it("[CT7] an edit of a message deleted for everyone is dropped, with its text", async () => {
    const client = fakeClient();
    await savePending(client, [edit("m1", "SECRET-edit", 1), edit("m2", "kept", 2)]);
    await savePending(client, [del("m1", 3)]);
    expect([...client.meta.values()].join()).not.toContain("SECRET-edit");
    expect((await takePending(client)).map((c) => ("id" in c ? c.id : c.kind))).toEqual(["e2", "d3"]);
  });
});
