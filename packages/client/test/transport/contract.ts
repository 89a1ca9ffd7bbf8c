/**
 * The Transport contract: what every transport does, whatever carries it. Run
 * on the `ws` one and the browser-WebSocket one in Node (transport.test.ts)
 * and on the browser one in Chromium (test/browser). `server` is an HTTP
 * origin with echoServer.ts at /ws; `deadServer` one where nothing listens.
 */
import { describe, expect, it } from "vitest";
import type { Transport, TransportConnection } from "../../src/transport/port.js";

// Kept in sync with echoServer.ts (which is Node-only).
const CLOSE_COMMAND = 0;
const DROP_COMMAND = 1;
const TEXT_COMMAND = 2;

interface Peer {
  connection: TransportConnection;
  received: Uint8Array[];
  /** Resolves with the next `count` frames received in total. */
  frames(count: number): Promise<Uint8Array[]>;
  closed: Promise<string>;
  closes: () => number;
}

async function connect(transport: Transport): Promise<Peer> {
  const received: Uint8Array[] = [];
  let waiting: { count: number; resolve: (frames: Uint8Array[]) => void } | undefined;
  let closeCount = 0;
  let onClosed!: (reason: string) => void;
  const closed = new Promise<string>((resolve) => (onClosed = resolve));
  const connection = await transport.connect({
    onMessage(bytes) {
      received.push(bytes);
      if (waiting !== undefined && received.length >= waiting.count) waiting.resolve(received.slice());
    },
    onClose(reason) {
      closeCount++;
      onClosed(reason);
    },
  });
  return {
    connection,
    received,
    closed,
    closes: () => closeCount,
    frames: (count) =>
      received.length >= count
        ? Promise.resolve(received.slice())
        : new Promise((resolve) => (waiting = { count, resolve })),
  };
}

const pattern = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

export function describeTransportContract(
  name: string,
  make: (server: string) => Transport,
  servers: () => { server: string; deadServer: string },
): void {
  describe(`Transport contract: ${name}`, () => {
    it("delivers bytes both ways exactly, as plain Uint8Arrays, in order (1 MiB frames too)", async () => {
      const peer = await connect(make(servers().server));
      const sent = [
        pattern(5, 1),
        pattern(1024 * 1024, 2),
        ...Array.from({ length: 50 }, (_, i) => pattern(3 + i, i)),
      ];
      for (const bytes of sent) peer.connection.send(bytes);
      const got = await peer.frames(sent.length);
      expect(got.map((b) => b.length)).toEqual(sent.map((b) => b.length));
      for (let i = 0; i < sent.length; i++) expect(got[i]!.every((b, j) => b === sent[i]![j])).toBe(true);
      for (const bytes of got) expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      peer.connection.close();
      await peer.closed;
    });

    it("reports the server's close once, with its code", async () => {
      const peer = await connect(make(servers().server));
      peer.connection.send(Uint8Array.of(CLOSE_COMMAND));
      expect(await peer.closed).toContain("4001");
      expect(peer.closes()).toBe(1);
      // Sending after close is a no-op, not a throw.
      peer.connection.send(Uint8Array.of(9));
      peer.connection.close();
    });

    it("reports a dropped connection", async () => {
      const peer = await connect(make(servers().server));
      peer.connection.send(Uint8Array.of(DROP_COMMAND));
      expect(typeof (await peer.closed)).toBe("string");
      expect(peer.closes()).toBe(1);
    });

    it("a text frame from the server is refused: the connection closes", async () => {
      const peer = await connect(make(servers().server));
      peer.connection.send(Uint8Array.of(TEXT_COMMAND));
      await peer.closed;
      expect(peer.received).toEqual([]);
    });

    it("close() by this side ends the connection and is reported once", async () => {
      const peer = await connect(make(servers().server));
      peer.connection.close();
      await peer.closed;
      expect(peer.closes()).toBe(1);
    });

    it("connect rejects when nothing listens, without reporting a close", async () => {
      let closes = 0;
      await expect(
        make(servers().deadServer).connect({ onMessage: () => undefined, onClose: () => closes++ }),
      ).rejects.toThrow();
      expect(closes).toBe(0);
    });
  });
}
