/**
 * The peer of the Transport contract (Node side): a WebSocket endpoint at
 * /ws that echoes every binary frame, and on command closes: frame [0] ->
 * close 4001 "asked", frame [1] -> drop the TCP connection, frame [2] -> send
 * a text frame.
 */
import type { Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";

export const CLOSE_COMMAND = 0;
export const DROP_COMMAND = 1;
export const TEXT_COMMAND = 2;

export function attachEchoServer(server: Server): { sockets: Set<WebSocket>; close(): void } {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== "/ws") {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      ws.on("message", (data: Buffer, isBinary) => {
        if (isBinary && data.length === 1 && data[0] === CLOSE_COMMAND) ws.close(4001, "asked");
        else if (isBinary && data.length === 1 && data[0] === DROP_COMMAND) ws.terminate();
        else if (isBinary && data.length === 1 && data[0] === TEXT_COMMAND)
          ws.send("text", { binary: false });
        else ws.send(data, { binary: true });
      });
    });
  });
  return {
    sockets,
    close: () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
