/** The configured apps, and turning typed text into a normalised address on one of them. */
import { ProtocolError, formatAddress, normaliseHandle, splitAddress } from "@switchboard/protocol";
import type { AppConfig } from "../config/apps.js";

export interface ResolvedAddress {
  address: string;
  app: AppConfig;
}

export class AppRegistry {
  private readonly byId: Map<string, AppConfig>;
  constructor(apps: readonly AppConfig[]) {
    this.byId = new Map(apps.map((a) => [a.id, a]));
  }

  get(id: string): AppConfig | undefined {
    return this.byId.get(id);
  }

  list(): AppConfig[] {
    return [...this.byId.values()];
  }

  /** Validate and normalise "handle@app"; throws INVALID_ARGUMENT or UNKNOWN_APP. */
  resolve(text: string): ResolvedAddress {
    const split = splitAddress(text);
    if (!split.ok) throw new ProtocolError("INVALID_ARGUMENT", split.reason);
    const app = this.byId.get(split.address.app);
    if (!app) throw new ProtocolError("UNKNOWN_APP", `no app "${split.address.app}" on this hub`);
    const handle = normaliseHandle(app.identity, split.address.handle);
    if (!handle.ok) throw new ProtocolError("INVALID_ARGUMENT", handle.reason);
    return { address: formatAddress({ handle: handle.handle, app: app.id }), app };
  }
}
