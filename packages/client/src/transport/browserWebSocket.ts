/**
 * The Transport on the platform's WebSocket (the browser's; in Node tests,
 * any class with the same API, such as ws's). Binary frames arrive as
 * ArrayBuffers; a frame over the protocol's limit or a text frame closes the
 * connection, as the hub would.
 */
import { LIMITS } from "@switchboard/protocol";
import type { Transport, TransportConnection } from "./port.js";
import { webSocketUrl } from "./url.js";

/** The part of the WebSocket API used here. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface BrowserTransportOptions {
  connectTimeoutMs?: number;
  /** Defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
}

const OPEN = 1;
// A browser may close only with 1000 or 3000-4999: these stand for 1003 and 1009.
const CLOSE_UNSUPPORTED_DATA = 4003;
const CLOSE_MESSAGE_TOO_BIG = 4009;

export function createBrowserWebSocketTransport(
  server: string,
  options: BrowserTransportOptions = {},
): Transport {
  const url = webSocketUrl(server);
  return {
    connect(handlers) {
      return new Promise<TransportConnection>((resolve, reject) => {
        const Impl =
          options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
        if (Impl === undefined) {
          reject(new Error("this platform has no WebSocket"));
          return;
        }
        let socket: WebSocketLike;
        try {
          socket = new Impl(url);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        socket.binaryType = "arraybuffer";
        let opened = false;
        let closed = false;
        const timer = setTimeout(() => {
          if (opened) return;
          reject(
            new Error(`could not connect to ${url}: no answer in ${options.connectTimeoutMs ?? 10_000} ms`),
          );
          socket.close();
        }, options.connectTimeoutMs ?? 10_000);
        socket.addEventListener("open", () => {
          opened = true;
          clearTimeout(timer);
          resolve({
            send: (bytes) => {
              if (socket.readyState === OPEN) socket.send(bytes as Uint8Array<ArrayBuffer>);
            },
            close: () => socket.close(1000),
          });
        });
        socket.addEventListener("message", (event) => {
          if (closed) return;
          const { data } = event;
          if (!(data instanceof ArrayBuffer)) {
            socket.close(CLOSE_UNSUPPORTED_DATA, "binary frames only");
            return;
          }
          if (data.byteLength > LIMITS.maxFrameBytes) {
            socket.close(CLOSE_MESSAGE_TOO_BIG, "frame too large");
            return;
          }
          handlers.onMessage(new Uint8Array(data));
        });
        socket.addEventListener("close", (event) => {
          clearTimeout(timer);
          if (closed) return;
          closed = true;
          if (opened) handlers.onClose(`closed ${event.code} ${event.reason}`);
          else reject(new Error(`could not connect to ${url} (${event.code})`));
        });
        socket.addEventListener("error", () => {
          // After open, the close event that follows reports it.
          if (opened) return;
          clearTimeout(timer);
          reject(new Error(`could not connect to ${url}`));
        });
      });
    },
  };
}
