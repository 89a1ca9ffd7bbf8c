/**
 * [DS15] The hub pages its listings so no answer outgrows a frame; the SDK
 * walks the pages (after the last id of each) until the hub says there is no
 * more. A page that is empty or does not move on ends the walk, so a hub
 * cannot keep the SDK looping.
 */
import type { ConversationSummary, Device } from "@switchboard/protocol";
import type { Call } from "./call.js";

async function walk<T extends { id: string }>(
  page: (afterId: string) => Promise<{ items: T[]; hasMore: boolean }>,
): Promise<T[]> {
  const all: T[] = [];
  let afterId = "";
  for (;;) {
    const { items, hasMore } = await page(afterId);
    all.push(...items);
    const last = items.at(-1)?.id;
    if (!hasMore || last === undefined || last === afterId) return all;
    afterId = last;
  }
}

/** Every device of an account ("" for one's own), revoked ones included, oldest first. */
export async function listAllDevices(
  call: Call,
  address: string,
): Promise<{ address: string; devices: Device[] }> {
  let listedAddress = address;
  const devices = await walk(async (afterId) => {
    const listed = await call("listDevices", { address, afterId });
    listedAddress = listed.address;
    return { items: listed.devices, hasMore: listed.hasMore };
  });
  return { address: listedAddress, devices };
}

/** Every conversation this device is a member of, oldest first. */
export async function listAllConversations(call: Call): Promise<ConversationSummary[]> {
  return walk(async (afterId) => {
    const listed = await call("listConversations", { afterId });
    return { items: listed.conversations, hasMore: listed.hasMore };
  });
}
