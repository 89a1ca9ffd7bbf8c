/**
 * Several hub URLs: the SDK uses whichever answers, and when the one it is on
 * goes away it moves to the next (issue 5: "the SDK and CLI accept several
 * server URLs and fail over between them").
 */
import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { DEMO_APPS, createMemoryBus, openSqliteStore, startHub } from "@switchboard/server";
import { ServerRotation, parseServers } from "../../src/session/servers.js";
import { freePort } from "../../../../devkit/freePort.js";
import type { Transport } from "../../src/transport/port.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { eventually, newClient, startTestHub, texts } from "../scenario/harness.js";

describe("several hub URLs", () => {
  it("are parsed from a comma-separated list, deduplicated, and must be http(s) URLs", () => {
    expect(parseServers(" http://a:1, http://b:2 ,http://a:1")).toEqual(["http://a:1", "http://b:2"]);
    expect(parseServers(["https://a"])).toEqual(["https://a"]);
    expect(() => parseServers("")).toThrow(RangeError);
    expect(() => parseServers("ws://a")).toThrow(/http/);
    expect(() => parseServers("not a url")).toThrow(/URL/);
  });

  it("are tried in turn from a random start", () => {
    const rotation = new ServerRotation(["a", "b", "c"], () => 0.5);
    expect([rotation.current, rotation.next(), rotation.next(), rotation.next()]).toEqual([
      "b",
      "c",
      "a",
      "b",
    ]);
  });

  it("let a device register through the one that answers and fail over when its hub goes away", async () => {
    const first = await startTestHub();
    const deadPort = await freePort();
    const servers = [`http://127.0.0.1:${deadPort}`, first.hub.url];
    const alice = await newClient();
    const bob = await newClient();
    await alice.client.register(servers, "alice@instagram");
    await bob.client.register(servers, "bob@instagram");
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    const direct = (await alice.client.sendText("bob@instagram", "before")).conversationId;
    await eventually(() => texts(bob.received, direct).includes("before"), "bob to get it");

    // The hub goes away; another comes up on the other URL with the same data.
    await first.hub.close();
    const second = await startHub({
      store: openSqliteStore({ path: first.dbPath }),
      bus: createMemoryBus(),
      apps: DEMO_APPS,
      port: deadPort,
      logger: pino({ level: "silent" }),
    });
    try {
      await alice.client.sendText(direct, "after failover");
      await eventually(() => texts(bob.received, direct).includes("after failover"), "bob to get it again");
      expect(alice.errors).toEqual([]);
    } finally {
      await Promise.all([alice.client.close(), bob.client.close()]);
      await second.close();
      await first.close().catch(() => {});
    }
  });
});

describe("a hub that goes away and comes back", () => {
  it("[DS3] messages sent while it is away go out, in order, once it is back (sending does not wait on the sync that login starts)", async () => {
    const first = await startTestHub();
    const alice = await newClient();
    const bob = await newClient();
    await alice.client.register(first.hub.url, "alice@instagram");
    await bob.client.register(first.hub.url, "bob@instagram");
    await Promise.all([alice.client.connect(), bob.client.connect()]);
    const direct = (await alice.client.sendText("bob@instagram", "before")).conversationId;
    await eventually(() => texts(bob.received, direct).includes("before"), "bob to get it");

    await first.hub.close();
    // Both wait for a hub, in the outbox. When alice logs in again, her sync
    // flushes the outbox while these sends wait for that very login: neither
    // may wait for the other.
    const away = ["while away 1", "while away 2"].map((text) => alice.client.sendText(direct, text));
    const port = Number(new URL(first.hub.url).port);
    const second = await startHub({
      store: openSqliteStore({ path: first.dbPath }),
      bus: createMemoryBus(),
      apps: DEMO_APPS,
      port,
      logger: pino({ level: "silent" }),
    });
    try {
      const sent = await Promise.all(away);
      expect(sent[1]!.seq).toBe(sent[0]!.seq! + 1);
      await eventually(() => texts(bob.received, direct).length === 3, "bob to get both");
      expect(texts(bob.received, direct)).toEqual(["before", "while away 1", "while away 2"]);
      expect(alice.errors).toEqual([]);
    } finally {
      await Promise.all([alice.client.close(), bob.client.close()]);
      await second.close();
      await first.close().catch(() => {});
    }
  });
});

describe("a hub that stops answering without closing the connection", () => {
  it("is noticed by the keep-alive: the device drops that connection, connects again and carries on", async () => {
    const hub = await startTestHub();
    // A transport whose current connection can be made a black hole: nothing
    // in, nothing out, and no close (a hub whose machine vanished).
    let silenced: (() => void) | undefined;
    const transport = (url: string): Transport => ({
      connect: async (handlers) => {
        let silent = false;
        const inner = await createWebSocketTransport(url).connect({
          onClose: (reason) => handlers.onClose(reason),
          onMessage: (bytes) => {
            if (!silent) handlers.onMessage(bytes);
          },
        });
        silenced = () => (silent = true);
        return {
          send: (bytes) => {
            if (!silent) inner.send(bytes);
          },
          close: () => inner.close(),
        };
      },
    });
    const { client: alice } = await newClient({ transport, timings: { timeoutMs: 300, keepAliveMs: 200 } });
    const states: string[] = [];
    alice.events.on("connection", (c) => states.push(c.state));
    const bob = await newClient();
    await alice.register(hub.hub.url, "alice@instagram");
    await bob.client.register(hub.hub.url, "bob@instagram");
    await Promise.all([alice.connect(), bob.client.connect()]);
    const direct = (await alice.sendText("bob@instagram", "before")).conversationId;
    await eventually(() => texts(bob.received, direct).includes("before"), "bob to get it");
    try {
      states.length = 0;
      silenced!();
      // Nothing is sent: the keep-alive finds the connection dead by itself.
      await eventually(
        () => states.includes("disconnected") && states.at(-1) === "connected",
        "a new connection",
      );
      await alice.sendText(direct, "after");
      await eventually(() => texts(bob.received, direct).includes("after"), "bob to get the next one");
    } finally {
      await Promise.all([alice.close(), bob.client.close()]);
      await hub.close();
    }
  });
});
