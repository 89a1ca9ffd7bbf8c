/** WebSocket transport on the `ws` package (Node 20 has no global WebSocket). */
import WebSocket from "ws";
import { LIMITS } from "@switchboard/protocol";
import type { Transport } from "./port.js";
import { webSocketUrl } from "./url.js";

export { webSocketUrl };

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
        ws.on("message", (data: Buffer, isBinary: boolean) => {
          // The hub speaks binary frames only (as the browser transport also insists).
          if (!isBinary) {
            ws.close(1003, "binary frames only");
            return;
          }
          handlers.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        });
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
