/**
 * A device may know several hub URLs (the nodes of one cluster, or a load
 * balancer and a fallback). They are kept as one string, comma-separated, in
 * the stored identity, and tried in turn: the link starts at a random one (so
 * devices spread over the nodes) and moves to the next whenever a connection
 * cannot be made or is lost.
 */

/** "http://a:8787, http://b:8787" -> ["http://a:8787", "http://b:8787"]; each must be an http(s) URL. */
export function parseServers(servers: string | readonly string[]): string[] {
  const list = (typeof servers === "string" ? servers.split(",") : [...servers])
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (list.length === 0) throw new RangeError("no server URL given");
  for (const url of list) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RangeError(`"${url}" is not a URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
      throw new RangeError(`"${url}" is not an http(s) URL`);
  }
  return [...new Set(list)];
}

export function formatServers(servers: readonly string[]): string {
  return servers.join(",");
}

/** The server to try for attempt `n`, starting from `start` and going round. */
export class ServerRotation {
  private index: number;

  constructor(
    readonly servers: readonly string[],
    random: () => number = Math.random,
  ) {
    this.index = Math.floor(random() * servers.length) % servers.length;
  }

  get current(): string {
    return this.servers[this.index]!;
  }

  /** Move on after a failure; returns the next server. */
  next(): string {
    this.index = (this.index + 1) % this.servers.length;
    return this.current;
  }
}
