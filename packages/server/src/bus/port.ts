/**
 * The Bus port: wakes the nodes that hold the recipients' connections. It
 * carries nothing durable (the Store is the truth; a device that misses a
 * push gets the entry on its next sync), so delivery is at-most-once.
 *
 * Topics:
 *   conv.<conversationId>  encoded ServerFrame(Push(LogEntry)) for every new entry
 *   device.<deviceId>      encoded ServerFrame(Push(...)) for one device (inbox items)
 */
export type BusHandler = (message: Uint8Array) => void;

export interface Bus {
  publish(topic: string, message: Uint8Array): Promise<void>;
  /** Returns a function that ends the subscription. */
  subscribe(topic: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

export const conversationTopic = (conversationId: string): string => `conv.${conversationId}`;
export const deviceTopic = (deviceId: string): string => `device.${deviceId}`;
