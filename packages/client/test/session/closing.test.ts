/**
 * A push that arrives as the client closes (frames the socket had already
 * read are still delivered) must be ignored, not throw from the socket's
 * handler: a one-shot CLI command exited 1 after doing its work whenever a
 * cluster node pushed at that moment.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Transport, TransportHandlers } from "../../src/transport/port.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { eventually, newClient, newDevice, startTestHub, type TestHub } from "../scenario/harness.js";
import { decodeServerFrame } from "@switchboard/protocol";

/** A WebSocket transport that keeps the handlers it was given and the last push frame it passed on. */
function recordingTransport(url: string) {
  const seen: { handlers?: TransportHandlers; lastPush?: Uint8Array } = {};
  const transport: Transport = {
    connect: (handlers) => {
      seen.handlers = handlers;
      return createWebSocketTransport(url).connect({
        onClose: (reason) => handlers.onClose(reason),
        onMessage: (bytes) => {
          const frame = decodeServerFrame(bytes);
          if (frame.ok && frame.value.body.case === "push") seen.lastPush = bytes;
          handlers.onMessage(bytes);
        },
      });
    },
  };
  return { transport, seen };
}

describe("closing", () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it("a push read just before close() is ignored: nothing throws, nothing is applied", async () => {
    const alice = await newDevice(hub.hub.url, "alice@instagram");
    const { transport, seen } = recordingTransport(hub.hub.url);
    const { client: bob } = await newClient({ transport: () => transport });
    await bob.register(hub.hub.url, "bob@instagram");
    await bob.connect();
    const received: string[] = [];
    bob.events.on("message", (m) => received.push(m.text));
    const errors: unknown[] = [];
    bob.events.on("error", (e) => errors.push(e));

    const direct = (await alice.client.sendText("bob@instagram", "one")).conversationId;
    await eventually(() => received.includes("one"), "bob to get the first message");
    await alice.client.sendText(direct, "two");
    await eventually(() => received.includes("two"), "bob to get two");
    const push = seen.lastPush!;
    expect(push).toBeDefined();

    await bob.close();
    // The socket delivers a frame it had already read.
    expect(() => seen.handlers!.onMessage(push)).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual(["one", "two"]);
    expect(errors).toEqual([]);
    await alice.client.close();
  });
});
