/**
 * SwitchboardClient's connection to the hub: the Link (login, reconnects
 * with backoff, pushes), made on first use once this device has an identity,
 * together with the Applier that applies what it brings; requests over it;
 * and the one-shot sessions used before there is an identity (register, link).
 */
import type { Push } from "@switchboard/protocol";
import type { ClientEvents, ClientOptions } from "./clientTypes.js";
import type { Applier } from "./conversations/applier.js";
import { ClientError } from "./errors.js";
import type { Emitter } from "./events.js";
import { Link } from "./session/link.js";
import { RpcSession, type OpCase, type OpInit, type ResultOf, type RpcHandlers } from "./session/rpc.js";
import { parseServers } from "./session/servers.js";
import type { StoredIdentity } from "./store/port.js";

export interface ConnectionDeps {
  options: ClientOptions;
  events: Emitter<ClientEvents>;
  requireIdentity(): StoredIdentity;
  /** Made once, with the first link (it needs this device's identity). */
  newApplier(): Applier;
  /** Called before the first link is made. */
  loadParts(): void;
  onPush(push: Push): void;
  /** After every login: publish key packages, then sync. */
  onConnected(session: RpcSession, keyPackagesRemaining: number): Promise<void>;
}

export class ClientConnection {
  /** Set by close(): nothing may open a new link afterwards (a late task would otherwise reconnect). */
  private closed = false;
  private link: Link | undefined;
  private applier: Applier | undefined;

  constructor(private readonly deps: ConnectionDeps) {}

  /** The session the link has open, if any. */
  get current(): RpcSession | undefined {
    return this.link?.current;
  }

  /** Whether there is a link (connected or reconnecting). */
  get linked(): boolean {
    return !!this.link;
  }

  ensureLink(): Link {
    if (this.closed) throw new ClientError("CLOSED", "the client is closed");
    const { options, events } = this.deps;
    const identity = this.deps.requireIdentity();
    this.applier ??= this.deps.newApplier();
    const servers = parseServers(options.servers ?? identity.server);
    if (!this.link) this.deps.loadParts();
    this.link ??= new Link({
      transports: servers.map((url) => options.transport(url)),
      servers,
      giveUpAfterMs: options.connectTimeoutMs,
      ...(options.random ? { random: options.random } : {}),
      ...(options.timings ? { timings: options.timings } : {}),
      deviceId: identity.deviceId,
      privateKey: identity.signaturePrivateKey,
      // Frames already read from the socket still arrive after close(): a
      // closed client has nothing to apply them to (the next sync gets them).
      onPush: (push) => {
        if (!this.closed) this.deps.onPush(push);
      },
      onConnected: (session, remaining) => this.deps.onConnected(session, remaining),
      onStateChange: (state, detail) =>
        events.emit("connection", detail === undefined ? { state } : { state, detail }),
    });
    return this.link;
  }

  requireApplier(): Applier {
    this.ensureLink();
    return this.applier!;
  }

  async call<K extends OpCase>(op: K, value: OpInit<K>): Promise<ResultOf<K>> {
    return this.ensureLink().call(op, value);
  }

  /** The hub's external-sender key, which every new group names (it proposes revoked devices' removal). */
  async hubKey(): Promise<Uint8Array> {
    const link = this.ensureLink();
    await link.connect();
    const key = link.hubSignatureKey;
    if (!key || key.length !== 32)
      throw new ClientError("NOT_CONNECTED", "the hub sent no external-sender key");
    return key;
  }

  /** A session with the first of `servers` that answers (in order). */
  async openAny(servers: string[], handlers: RpcHandlers): ReturnType<typeof RpcSession.open> {
    let lastError: unknown;
    for (const url of servers) {
      try {
        return await RpcSession.open(
          this.deps.options.transport(url),
          handlers,
          this.deps.options.timings ?? {},
        );
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new ClientError("NOT_CONNECTED", "no server answered");
  }

  /** Drop the link; connect() makes a new one. */
  disconnect(): void {
    this.link?.stop();
    this.link = undefined;
  }

  /** Drop the link for good. */
  close(): void {
    this.closed = true;
    this.disconnect();
  }
}
