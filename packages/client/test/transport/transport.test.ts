/** The Transport contract on both transports in Node; test/browser runs it in Chromium too. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import WebSocket from "ws";
import {
  createBrowserWebSocketTransport,
  type WebSocketConstructor,
} from "../../src/transport/browserWebSocket.js";
import { createWebSocketTransport } from "../../src/transport/wsTransport.js";
import { describeTransportContract } from "./contract.js";
import { attachEchoServer } from "./echoServer.js";

const http = createServer((_req, res) => res.writeHead(404).end());
const echo = attachEchoServer(http);
let servers = { server: "", deadServer: "" };

beforeAll(async () => {
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  // A port that was just free: nothing listens there.
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
  const deadPort = (dead.address() as AddressInfo).port;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  servers = {
    server: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    deadServer: `http://127.0.0.1:${deadPort}`,
  };
});

afterAll(async () => {
  echo.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

describeTransportContract(
  "ws (Node)",
  (server) => createWebSocketTransport(server),
  () => servers,
);
describeTransportContract(
  "browser WebSocket (ws's class in Node)",
  (server) =>
    createBrowserWebSocketTransport(server, { WebSocket: WebSocket as unknown as WebSocketConstructor }),
  () => servers,
);
