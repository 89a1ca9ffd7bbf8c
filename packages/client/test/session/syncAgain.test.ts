/**
 * A sync asked for while one runs runs once more after it (session/sync.ts).
 * A Welcome pushed during a sync asks for one: the conversation it joins is
 * a nameless group until the hub's listing says it is a direct chat and
 * with whom, and the running sync may have listed before the join.
 */
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ConversationKind, ConversationSummarySchema } from "@switchboard/protocol";
import type { Applier } from "../../src/conversations/applier.js";
import type { Outbox } from "../../src/conversations/outbox.js";
import type { DeviceIdentity } from "../../src/mls/engine.js";
import type { RpcSession } from "../../src/session/rpc.js";
import { Syncer } from "../../src/session/sync.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { LocalConversation } from "../../src/store/port.js";

const ME = "dan@whatsapp";
const PEER = "alice@whatsapp";

/** A direct chat as a Welcome leaves it: a group with no title and no peer. */
const joined = (id: string): LocalConversation => ({
  id,
  kind: "group",
  title: "",
  peer: null,
  participants: [ME, PEER],
  groupState: { version: "v", parts: new Map() },
  epoch: 1,
  appliedSeq: 1,
  active: true,
  createdAt: 10,
  updatedAt: 10,
});

/** A hub whose listConversations answers are released by hand, with what it lists at that moment. */
function slowHub() {
  const listed: string[] = [];
  const waiting: (() => void)[] = [];
  const session = {
    call: async (op: string) => {
      if (op === "fetchInbox") return { items: [], hasMore: false };
      if (op === "listConversations") {
        await new Promise<void>((resolve) => waiting.push(resolve));
        return {
          conversations: listed.map((id) =>
            create(ConversationSummarySchema, {
              id,
              kind: ConversationKind.DIRECT,
              participants: [ME, PEER],
              lastSeq: 1n,
            }),
          ),
          hasMore: false,
        };
      }
      return {};
    },
  } as unknown as RpcSession;
  const releaseNext = async (): Promise<void> => {
    await expect.poll(() => waiting.length).toBeGreaterThan(0);
    waiting.shift()!();
  };
  return { session, listed, releaseNext };
}

function syncer(store: ReturnType<typeof createMemoryStore>, session: RpcSession) {
  const learnt: LocalConversation[] = [];
  const s = new Syncer({
    store,
    outbox: { flush: async () => {} } as unknown as Outbox,
    identity: () => ({ address: ME }) as unknown as DeviceIdentity,
    applier: () => ({ catchUp: async () => {} }) as unknown as Applier,
    acceptInbox: async () => {},
    currentSession: () => session,
    onError: (err) => {
      throw err;
    },
    onGroupEvent: () => {},
    clock: () => 5,
    onConversation: (c) => learnt.push(c),
  });
  return { s, learnt };
}

describe("a sync asked for during a sync", () => {
  it("runs once more after the running one, so a conversation joined meanwhile learns its kind and peer", async () => {
    const store = createMemoryStore();
    const hub = slowHub();
    const { s, learnt } = syncer(store, hub.session);
    const first = s.run(hub.session);
    // The running sync has asked for the listing; then the Welcome is applied and asks for a sync.
    await expect.poll(() => s.running !== undefined).toBe(true);
    await store.write([{ kind: "putConversation", conversation: joined("d1") }]);
    hub.listed.push("d1");
    const second = s.run(hub.session);
    // The first listing was taken before the join (released now, it answers what the hub held then: nothing).
    hub.listed.pop();
    await hub.releaseNext();
    hub.listed.push("d1");
    await hub.releaseNext();
    await Promise.all([first, second]);
    const stored = await store.getConversation("d1");
    expect(stored?.kind).toBe("direct");
    expect(stored?.peer).toBe(PEER);
    expect(learnt.map((c) => [c.id, c.kind, c.peer])).toEqual([["d1", "direct", PEER]]);
    expect(s.running).toBeUndefined();
  });

  it("a sync asked for when none runs runs once", async () => {
    const store = createMemoryStore();
    const hub = slowHub();
    const { s } = syncer(store, hub.session);
    const done = s.run(hub.session);
    await hub.releaseNext();
    await done;
    expect(s.running).toBeUndefined();
  });
});
