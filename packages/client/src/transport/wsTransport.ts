/** WebSocket transport on the `ws` package (Node 20 has no global WebSocket). */
import WebSocket from "ws";
import { LIMITS } from "@switchboard/protocol";
import type { Transport } from "./port.js";

/** "http://host:port" -> "ws://host:port/ws" (https -> wss). */
export function webSocketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === "https:" ? "wss:" : url.protocol === "http:" ? "ws:" : url.protocol;
  url.pathname = "/ws";
  return url.toString();
}

export function createWebSocketTransport(
  server: string,
  options: { connectTimeoutMs?: number } = {},
): Transport {
  return {
    connect(handlers) {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(webSocketUrl(server), {
          maxPayload: LIMITS.maxFrameBytes,
          perMessageDeflate: false,
          handshakeTimeout: options.connectTimeoutMs ?? 10_000,
        });
        ws.binaryType = "nodebuffer";
        let opened = false;
        ws.on("open", () => {
          opened = true;
          resolve({
            send: (bytes) => {
              if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
            },
            close: () => ws.close(1000),
          });
        });
        ws.on("message", (data: Buffer) =>
          handlers.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
        );
        ws.on("close", (code, reason) => {
          if (opened) handlers.onClose(`closed ${code} ${reason.toString()}`);
        });
        ws.on("error", (err) => {
          if (!opened) reject(err);
        });
      });
    },
  };
}
