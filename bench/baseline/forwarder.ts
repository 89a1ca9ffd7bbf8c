/**
 * The baseline: a minimal `ws` server that only forwards binary frames, so
 * the hub's figures can be read against what this machine does with no
 * protocol, no storage and no routing logic. Run in its own process:
 *
 *   node --import tsx bench/baseline/forwarder.ts [port]
 *
 * A socket's first message is the text "join <pairId> <send|recv>", answered
 * with "ok"; after that every binary frame from a sender goes, as it is, to
 * every receiver of its pair id (one for a direct chat, N for fan-out).
 */
import { WebSocketServer, type RawData, type WebSocket } from "ws";

interface Pair {
  receivers: Set<WebSocket>;
}

const pairs = new Map<string, Pair>();

/**
 * Writes to one socket within one event-loop turn leave in one writev, as the
 * hub's do (packages/server/src/gateway/connection.ts): without this the
 * baseline paid a syscall per frame that the hub avoids, and the hub beat its
 * own baseline under fan-out.
 */
const corked = new Set<WebSocket>();
function send(socket: WebSocket, frame: RawData): void {
  const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  if (raw && !corked.has(socket)) {
    corked.add(socket);
    raw.cork();
    process.nextTick(() => {
      corked.delete(socket);
      raw.uncork();
    });
  }
  socket.send(frame, { binary: true });
}
const port = Number(process.argv[2] ?? 0);
const server = new WebSocketServer({
  host: "127.0.0.1",
  port,
  perMessageDeflate: false,
  maxPayload: 1 << 20,
});

server.on("connection", (socket) => {
  let forward: ((data: RawData) => void) | undefined;
  socket.on("message", (data, isBinary) => {
    if (forward && isBinary) return forward(data);
    const [verb, pairId, role] = (Buffer.isBuffer(data) ? data.toString() : "").split(" ");
    if (verb !== "join" || !pairId || (role !== "send" && role !== "recv"))
      return socket.close(1002, "join first");
    let pair = pairs.get(pairId);
    if (!pair) pairs.set(pairId, (pair = { receivers: new Set() }));
    const receivers = pair.receivers;
    if (role === "recv") {
      receivers.add(socket);
      socket.on("close", () => receivers.delete(socket));
    } else {
      forward = (frame) => {
        for (const r of receivers) send(r, frame);
      };
    }
    socket.send("ok");
  });
});

server.on("listening", () => {
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  process.stdout.write(`baseline forwarder listening on ws://127.0.0.1:${bound}\n`);
});
// Nothing to flush: go at once (ws servers do not close their open sockets on close()).
process.on("SIGTERM", () => process.exit(0));
