/** The Transport port: a binary message pipe to the hub. WebSocket now; anything framed later. */
export interface TransportConnection {
  send(bytes: Uint8Array): void;
  close(): void;
}

export interface TransportHandlers {
  onMessage(bytes: Uint8Array): void;
  onClose(reason: string): void;
}

export interface Transport {
  /** Resolves once open; rejects if the connection cannot be made. */
  connect(handlers: TransportHandlers): Promise<TransportConnection>;
}
