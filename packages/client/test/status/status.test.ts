/** The pure core of message status (SPEC RS1-RS4, EP7): signals, batching, aggregation, typing expiry. */
import { describe, expect, it } from "vitest";
import { MAX_STATUS_ENTRIES } from "@switchboard/protocol";
import { messageStatus, memberStatuses, type StatusInput } from "../../src/status/aggregate.js";
import { DeliveredBatch } from "../../src/status/deliveredBatch.js";
import {
  isReceiptsContent,
  presenceContent,
  readSignal,
  receiptsContent,
  typingContent,
} from "../../src/status/signals.js";
import { TYPING_TTL_MS, TypingState } from "../../src/status/typingState.js";
import { buildText } from "../../src/content/build.js";
import type { LocalReceipt } from "../../src/store/receiptsPort.js";
import { wantsDelivered } from "../../src/status/receipts.js";

const M1 = "01" + "a".repeat(62);
const M2 = "01" + "b".repeat(62);
const C = "c".repeat(32);

describe("[RS1] status signals", () => {
  it("a receipt batch carries many messages' statuses and reads back the same", () => {
    const bytes = receiptsContent([
      { messageId: M1, status: "delivered" },
      { messageId: M2, status: "read" },
    ]);
    expect(readSignal(bytes)).toEqual({
      kind: "receipts",
      entries: [
        { messageId: M1, status: "delivered" },
        { messageId: M2, status: "read" },
      ],
    });
    expect(isReceiptsContent(bytes)).toBe(true);
  });

  it("typing and presence are told apart from receipts and from chat text", () => {
    expect(readSignal(typingContent())).toEqual({ kind: "typing" });
    expect(readSignal(presenceContent(true))).toEqual({ kind: "presence", online: true });
    expect(readSignal(presenceContent(false))).toEqual({ kind: "presence", online: false });
    expect(isReceiptsContent(typingContent())).toBe(false);
    const text = buildText("hello").bytes;
    expect(readSignal(text)).toBeUndefined();
    expect(isReceiptsContent(text)).toBe(false);
    expect(readSignal(Uint8Array.of(0x0a, 0x01))).toBeUndefined();
    expect(readSignal(Uint8Array.of(0x87, 0xff))).toBeUndefined();
  });
});

describe("[RS2] delivered batch", () => {
  it("coalesces per conversation, once per message, and empties when taken", () => {
    const batch = new DeliveredBatch();
    batch.add(C, M1);
    batch.add(C, M2);
    batch.add(C, M1);
    batch.add("d".repeat(32), M1);
    expect(batch.size).toBe(3);
    expect(batch.take()).toEqual([
      { conversationId: C, messageIds: [M1, M2] },
      { conversationId: "d".repeat(32), messageIds: [M1] },
    ]);
    expect(batch.take()).toEqual([]);
  });

  it("splits a huge backlog into reports the codec accepts", () => {
    const batch = new DeliveredBatch();
    for (let i = 0; i < MAX_STATUS_ENTRIES + 5; i++) batch.add(C, i.toString(16).padStart(64, "0"));
    expect(batch.take().map((r) => r.messageIds.length)).toEqual([MAX_STATUS_ENTRIES, 5]);
  });
});

describe("[RS4] message status", () => {
  const receipt = (address: string, status: "delivered" | "read"): LocalReceipt => ({
    conversationId: C,
    messageId: M1,
    address,
    status,
    at: 5,
  });
  const input = (receipts: LocalReceipt[], showRead = true): StatusInput => ({
    seq: 7,
    senderAddress: "alice@x",
    participants: ["alice@x", "bob@y", "carol@z"],
    receipts,
    showRead,
  });

  it("is the lowest over the other accounts", () => {
    expect(messageStatus({ ...input([]), seq: null })).toBe("sending");
    expect(messageStatus(input([]))).toBe("sent");
    expect(messageStatus(input([receipt("bob@y", "read")]))).toBe("sent");
    expect(messageStatus(input([receipt("bob@y", "read"), receipt("carol@z", "delivered")]))).toBe(
      "delivered",
    );
    expect(messageStatus(input([receipt("bob@y", "read"), receipt("carol@z", "read")]))).toBe("read");
  });

  it("ignores the sender's own account and strangers, and is sent in a conversation of one", () => {
    const own = [receipt("alice@x", "read"), receipt("mallory@q", "read"), receipt("bob@y", "read")];
    expect(messageStatus(input(own))).toBe("sent");
    expect(messageStatus({ ...input([]), participants: ["alice@x"] })).toBe("sent");
  });

  it("[RS6] with read receipts off, read counts as delivered", () => {
    const both = [receipt("bob@y", "read"), receipt("carol@z", "read")];
    expect(messageStatus(input(both, false))).toBe("delivered");
    expect(memberStatuses(input(both, false)).map((m) => m.status)).toEqual(["delivered", "delivered"]);
  });

  it("gives each other member's status", () => {
    expect(memberStatuses(input([receipt("carol@z", "read")]))).toEqual([
      { address: "bob@y", status: "sent", at: null },
      { address: "carol@z", status: "read", at: 5 },
    ]);
  });
});

describe("[EP7] typing expiry", () => {
  it("holds a signal for 15 s after it arrived, renews on a new one, and ends with a message", () => {
    const state = new TypingState();
    expect(state.typing(C, "bob@y", 1000)).toBe(1000 + TYPING_TTL_MS);
    state.typing(C, "carol@z", 5000);
    expect(state.active(C, 1000 + TYPING_TTL_MS - 1)).toEqual(["bob@y", "carol@z"]);
    expect(state.active(C, 1000 + TYPING_TTL_MS)).toEqual(["carol@z"]);
    state.typing(C, "carol@z", 19_000);
    expect(state.active(C, 5000 + TYPING_TTL_MS)).toEqual(["carol@z"]);
    state.stopped(C, "carol@z");
    expect(state.active(C, 19_001)).toEqual([]);
  });
});

describe("[RS1] which messages get receipts", () => {
  const base = {
    conversationId: C,
    seq: 3,
    senderAddress: "bob@y",
    senderDeviceId: "d",
    text: "hi",
    sentAt: 1,
    serverTime: 1,
    outgoing: false,
    editCount: 0,
    editedAt: null,
    deleted: false,
    replyTo: null,
    expiresAt: null,
  };
  it("a MIMI message from another account that the hub stored; not ours, not unsent, not a legacy id", () => {
    expect(wantsDelivered({ ...base, id: M1 }, "alice@x")).toBe(true);
    expect(wantsDelivered({ ...base, id: M1, outgoing: true }, "alice@x")).toBe(false);
    expect(wantsDelivered({ ...base, id: M1, seq: null }, "alice@x")).toBe(false);
    expect(wantsDelivered({ ...base, id: M1 }, "bob@y")).toBe(false);
    expect(wantsDelivered({ ...base, id: "legacy-id-1" }, "alice@x")).toBe(false);
  });
});
