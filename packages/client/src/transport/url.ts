/** "http://host:port" -> "ws://host:port/ws" (https -> wss): where a hub's WebSocket listens. */
export function webSocketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === "https:" ? "wss:" : url.protocol === "http:" ? "ws:" : url.protocol;
  url.pathname = "/ws";
  return url.toString();
}
