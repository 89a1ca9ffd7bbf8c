/** The authenticated device a request comes from. */
export interface Caller {
  deviceId: string;
  address: string;
  app: string;
}

/** Milliseconds since the Unix epoch; injected so the core is testable. */
export type Clock = () => number;
