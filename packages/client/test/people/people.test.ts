/**
 * The people layer's pure parts (SPEC PP2-PP4): what a profile and a decline
 * put on the wire and what receivers make of them, which Welcome is a message
 * request, and what incoming people content writes to the LocalStore.
 */
import { describe, expect, it } from "vitest";
import { Disposition, decodeMimiContent } from "@switchboard/protocol";
import { buildText } from "../../src/content/build.js";
import { interpretContent } from "../../src/content/interpret.js";
import {
  buildDecline,
  buildProfile,
  displayNameOf,
  isDecline,
  profileExtensions,
} from "../../src/people/content.js";
import { peopleWrites } from "../../src/people/incoming.js";
import { isRequest, nameKey, readRequest, requestWrite } from "../../src/people/requestState.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { LocalConversation, StoredIdentity } from "../../src/store/port.js";

const ALICE = "alice@example.com@messenger";
const CAROL = "carol@instagram";
const context = { senderAddress: ALICE, conversationId: "c".repeat(32), serverTime: 1_000 };

function conversation(id: string, participants: string[], active = true): LocalConversation {
  return {
    id,
    kind: "group",
    title: "",
    peer: null,
    participants,
    groupState: { version: "v", parts: new Map() },
    epoch: 1,
    appliedSeq: 1,
    active,
    createdAt: 1,
    updatedAt: 1,
  };
}

function interpret(bytes: Uint8Array) {
  const result = interpretContent(bytes, context);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

describe("people content", () => {
  it("[PP2] a profile is a null profile body with the name; not a chat message, the name read back", () => {
    const built = buildProfile("Alice");
    const decoded = decodeMimiContent(built.bytes);
    expect(decoded.ok && decoded.value.body.disposition).toBe(Disposition.profile);
    const event = interpret(built.bytes);
    expect(event.kind).toBe("unsupported");
    expect(displayNameOf(event)).toBe("Alice");
    expect(isDecline(event)).toBe(false);
  });

  it("[PP2] a text carries the name in the same extension; an invalid name is ignored", () => {
    const named = interpret(
      buildText("hi", { extensions: new Map([["sb.displayName", "Ame\u0301lie"]]) }).bytes,
    );
    expect(named).toMatchObject({ kind: "message", text: "hi" });
    expect(displayNameOf(named)).toBe("Am\u00e9lie");
    const bidi = interpret(
      buildText("hi", { extensions: new Map([["sb.displayName", "evil\u202Eman"]]) }).bytes,
    );
    expect(displayNameOf(bidi)).toBeUndefined();
    expect(displayNameOf(interpret(buildText("hi").bytes))).toBeUndefined();
    expect(displayNameOf(interpret(buildProfile("   ").bytes))).toBeUndefined();
  });

  it("[PP2] a text's extensions are the account's name as set, else as registered, else none", async () => {
    const store = createMemoryStore();
    const identity = (displayName: string): StoredIdentity => ({
      address: ALICE,
      deviceId: "d".repeat(26),
      displayName,
      signaturePublicKey: new Uint8Array(32),
      signaturePrivateKey: new Uint8Array(32),
      server: "http://hub",
      createdAt: 1,
    });
    expect(await profileExtensions(store)).toEqual(new Map());
    await store.write([{ kind: "identity", identity: identity(ALICE) }]);
    expect(await profileExtensions(store)).toEqual(new Map());
    await store.write([{ kind: "identity", identity: identity("Alice") }]);
    expect(await profileExtensions(store)).toEqual(new Map([["sb.displayName", "Alice"]]));
    await store.write([{ kind: "setMeta", key: "people.myName", value: "Alice L." }]);
    expect(await profileExtensions(store)).toEqual(new Map([["sb.displayName", "Alice L."]]));
  });

  it("[PP4] a decline is recognised as one", () => {
    expect(isDecline(interpret(buildDecline().bytes))).toBe(true);
  });
});

describe("which Welcome is a message request", () => {
  const base = {
    me: CAROL,
    from: ALICE,
    reach: "requests",
    conversationId: "new",
    pending: new Set<string>(),
  };

  it("[PP3] a stranger from another app toward an app that takes requests", () => {
    expect(isRequest({ ...base, conversations: [] })).toBe(true);
  });

  it("[PP3] not on an open or closed app, not from one's own app, not from oneself", () => {
    expect(isRequest({ ...base, reach: "open", conversations: [] })).toBe(false);
    expect(isRequest({ ...base, from: "dan@instagram", conversations: [] })).toBe(false);
    expect(isRequest({ ...base, from: CAROL, conversations: [] })).toBe(false);
  });

  it("[PP3] not from someone this device already talks with; a pending or left conversation does not count", () => {
    const shared = conversation("old", [ALICE, CAROL]);
    expect(isRequest({ ...base, conversations: [shared] })).toBe(false);
    expect(isRequest({ ...base, conversations: [shared], pending: new Set(["old"]) })).toBe(true);
    expect(isRequest({ ...base, conversations: [conversation("old", [ALICE, CAROL], false)] })).toBe(true);
    // The conversation being joined does not count as knowing them.
    expect(isRequest({ ...base, conversations: [conversation("new", [ALICE, CAROL])] })).toBe(true);
  });
});

describe("what incoming people content writes", () => {
  const entry = (outgoing: boolean) => ({ senderAddress: outgoing ? CAROL : ALICE, outgoing, serverTime: 5 });

  async function pendingStore() {
    const store = createMemoryStore();
    const c = conversation("r1", [ALICE, CAROL]);
    await store.write([
      { kind: "putConversation", conversation: c },
      requestWrite("r1", { status: "pending", from: ALICE, at: 1 }),
    ]);
    return { store, c };
  }

  it("[PP2] a name is kept per sender", async () => {
    const { store, c } = await pendingStore();
    const out = await peopleWrites(store, c, interpret(buildProfile("Alice").bytes), entry(false));
    expect(out).toEqual([{ kind: "setMeta", key: nameKey(ALICE), value: "Alice" }]);
    // Set on another device of this account: this device's own name too.
    const own = await peopleWrites(store, c, interpret(buildProfile("Carol C.").bytes), entry(true));
    expect(own).toContainEqual({ kind: "setMeta", key: "people.myName", value: "Carol C." });
  });

  it("[PP4] the account's own message from another device accepts a pending request", async () => {
    const { store, c } = await pendingStore();
    const out = await peopleWrites(store, c, interpret(buildText("ok").bytes), entry(true));
    await store.write(out);
    expect(await readRequest(store, "r1")).toEqual({ status: "accepted", from: ALICE, at: 1 });
    // Someone else's message does not.
    const other = await pendingStore();
    const ignored = await peopleWrites(other.store, other.c, interpret(buildText("hi").bytes), entry(false));
    expect(ignored).toEqual([]);
  });

  it("[PP4] the account's own decline from another device drops the conversation and its messages", async () => {
    const { store, c } = await pendingStore();
    await store.write([
      {
        kind: "putMessage",
        message: {
          id: "m1",
          conversationId: "r1",
          seq: 1,
          senderAddress: ALICE,
          senderDeviceId: "x",
          text: "spam",
          sentAt: 1,
          serverTime: 1,
          outgoing: false,
          replyTo: null,
          editCount: 0,
          editedAt: null,
          deleted: false,
          expiresAt: null,
        },
      },
    ]);
    const out = await peopleWrites(store, c, interpret(buildDecline().bytes), entry(true));
    await store.write(out);
    expect(await store.listMessages("r1")).toEqual([]);
    expect((await readRequest(store, "r1"))?.status).toBe("declined");
    // The sender writes again: a request again (at the hub's time of that message)...
    const again = await peopleWrites(store, c, interpret(buildText("please?").bytes), entry(false));
    expect(again).toEqual([requestWrite("r1", { status: "pending", from: ALICE, at: 5 })]);
    // ... unless this device blocked them.
    await store.write([{ kind: "setMeta", key: "people.blocked." + ALICE, value: "1" }]);
    expect(await peopleWrites(store, c, interpret(buildText("please?").bytes), entry(false))).toEqual([]);
    // A decline from the other side is nothing to act on.
    const other = await pendingStore();
    const ignored = await peopleWrites(other.store, other.c, interpret(buildDecline().bytes), entry(false));
    expect(ignored).toEqual([]);
  });

  it("[PP3] request state that does not parse is no request", async () => {
    const store = createMemoryStore();
    await store.write([{ kind: "setMeta", key: "people.request.x", value: "{not json" }]);
    expect(await readRequest(store, "x")).toBeUndefined();
    await store.write([
      { kind: "setMeta", key: "people.request.x", value: '{"status":"maybe","from":"a","at":1}' },
    ]);
    expect(await readRequest(store, "x")).toBeUndefined();
  });
});
