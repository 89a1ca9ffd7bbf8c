/** [DS15] The SDK walks paged listings to the end, and a hub cannot keep it looping. */
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ConversationSummarySchema, DeviceSchema } from "@switchboard/protocol";
import type { Call } from "../../src/session/call.js";
import { listAllConversations, listAllDevices } from "../../src/session/pages.js";

const device = (id: string) => create(DeviceSchema, { id });
const summary = (id: string) => create(ConversationSummarySchema, { id });

/** A fake hub answering listDevices / listConversations from `pages`, keyed by after_id. */
function fakeHub(pages: Map<string, { ids: string[]; hasMore: boolean }>, asked: string[]): Call {
  const call = async (op: string, value: { afterId?: string }) => {
    const afterId = value.afterId ?? "";
    asked.push(afterId);
    const page = pages.get(afterId) ?? { ids: [], hasMore: false };
    if (op === "listDevices")
      return { address: "alice@x", devices: page.ids.map(device), hasMore: page.hasMore };
    return { conversations: page.ids.map(summary), hasMore: page.hasMore };
  };
  return call as unknown as Call;
}

describe("[DS15] the SDK walks pages", () => {
  it("[DS15] lists every device across pages, asking after the last id of each", async () => {
    const asked: string[] = [];
    const call = fakeHub(
      new Map([
        ["", { ids: ["a", "b"], hasMore: true }],
        ["b", { ids: ["c", "d"], hasMore: true }],
        ["d", { ids: ["e"], hasMore: false }],
      ]),
      asked,
    );
    const listed = await listAllDevices(call, "");
    expect(listed.address).toBe("alice@x");
    expect(listed.devices.map((d) => d.id)).toEqual(["a", "b", "c", "d", "e"]);
    expect(asked).toEqual(["", "b", "d"]);
  });

  it("[DS15] stops when a page is empty or does not move on, whatever has_more says", async () => {
    const asked: string[] = [];
    const stuck = fakeHub(
      new Map([
        ["", { ids: ["a"], hasMore: true }],
        ["a", { ids: ["a"], hasMore: true }],
      ]),
      asked,
    );
    expect((await listAllConversations(stuck)).map((c) => c.id)).toEqual(["a", "a"]);
    const empty = fakeHub(new Map([["", { ids: [], hasMore: true }]]), []);
    expect(await listAllConversations(empty)).toEqual([]);
  });
});
