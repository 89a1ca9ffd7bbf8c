/** The Transport contract on the browser's own WebSocket, against chromium.test.ts's echo server. */
import { createBrowserWebSocketTransport } from "../../../src/transport/browserWebSocket.js";
import { describeTransportContract } from "../../transport/contract.js";

describeTransportContract(
  "browser WebSocket (Chromium)",
  (server) => createBrowserWebSocketTransport(server),
  () => ({ server: location.origin, deadServer: new URLSearchParams(location.search).get("dead") ?? "" }),
);
