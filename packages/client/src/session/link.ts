/**
 * The device's link to the hub: connects, logs in (signing the challenge),
 * and when the connection drops, reconnects with backoff and jitter and runs
 * the caller's `onConnected` (which syncs) again. Calls made while down wait
 * for the next login, not for the sync after it: a caller may hold a lock
 * (a conversation's queue, the outbox's send order) that the sync needs too,
 * and waiting for the sync would deadlock the two. With several hub URLs it
 * moves to the next one whenever a connection fails or drops (servers.ts).
 */
import type { Push } from "@switchboard/protocol";
import { ProtocolError } from "@switchboard/protocol";
import { ClientError } from "../errors.js";
import { signChallengeWith } from "../identity/deviceKeys.js";
import type { Transport } from "../transport/port.js";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { RpcSession, type OpCase, type OpInit, type ResultOf, type RpcTimings } from "./rpc.js";
import { ServerRotation } from "./servers.js";

/** "revoked": the account revoked this device; the link stops for good. */
export type LinkState = "connecting" | "connected" | "disconnected" | "revoked";

export interface LinkOptions {
  /** One transport per hub URL, tried in turn (servers.ts). */
  transports: readonly Transport[];
  deviceId: string;
  privateKey: Uint8Array;
  onPush(push: Push): void;
  /** Runs after every successful login; `connect()` resolves after it, waiting calls do not wait for it. */
  onConnected(session: RpcSession, keyPackagesRemaining: number): Promise<void>;
  onStateChange?(state: LinkState, detail?: string): void;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Request timeout and keep-alive of each connection (rpc.ts). */
  timings?: RpcTimings;
  /**
   * For one-shot callers (the CLI): a caller that waits this long for a login
   * gives up with HUB_UNREACHABLE, naming `servers` and the last failure,
   * instead of waiting through the backoff forever (SPEC CL2). The link
   * itself keeps trying until stop(). Unset: wait as long as it takes.
   */
  giveUpAfterMs?: number | undefined;
  /** The hub URLs, in transport order, for that message. */
  servers?: readonly string[];
}

export class Link {
  private session: RpcSession | undefined;
  private ready: Promise<RpcSession> | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ends the backoff sleep early (stop() must not leave the loop asleep forever). */
  private wake: (() => void) | undefined;
  /** Calls waiting for the next login. */
  private readonly waiting: Array<(session: RpcSession) => void> = [];
  private hubKey: Uint8Array | undefined;
  private readonly rotation: ServerRotation;
  /** Why the last attempt failed, for HUB_UNREACHABLE. */
  private lastFailure = "";

  constructor(private readonly options: LinkOptions) {
    if (options.transports.length === 0) throw new RangeError("a link needs at least one transport");
    this.rotation = new ServerRotation(
      options.transports.map((_, i) => String(i)),
      options.random ?? Math.random,
    );
  }

  /** The open session, if any (also while onConnected runs). */
  get current(): RpcSession | undefined {
    return this.session?.isOpen ? this.session : undefined;
  }

  /** The hub's external-sender key, from the last hello (new groups name it). */
  get hubSignatureKey(): Uint8Array | undefined {
    return this.hubKey;
  }

  /** Connect (or wait for the current attempt). Rejects only on a fatal login error or after stop(). */
  connect(): Promise<RpcSession> {
    if (this.stopped) return Promise.reject(new ClientError("CLOSED", "the client is closed"));
    if (this.session?.isOpen) return Promise.resolve(this.session);
    this.ready ??= this.loop();
    return this.withDeadline(this.ready);
  }

  async call<K extends OpCase>(op: K, value: OpInit<K>): Promise<ResultOf<K>> {
    const session = await this.loggedIn();
    return session.call(op, value);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.wake?.();
    this.session?.close();
  }

  /** The open session, or the next one as soon as it has logged in. Rejects as connect() does. */
  private loggedIn(): Promise<RpcSession> {
    if (this.session?.isOpen) return Promise.resolve(this.session);
    const connecting = this.connect();
    return new Promise<RpcSession>((resolve, reject) => {
      this.waiting.push(resolve);
      connecting.then(resolve, (err: Error) => {
        const at = this.waiting.indexOf(resolve);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(err);
      });
    });
  }

  /** `connecting`, or HUB_UNREACHABLE once giveUpAfterMs has passed without a login. */
  private withDeadline(connecting: Promise<RpcSession>): Promise<RpcSession> {
    const limit = this.options.giveUpAfterMs;
    if (limit === undefined) return connecting;
    return new Promise<RpcSession>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Logged in and now syncing: the hub is reachable, however long the sync takes.
        if (this.session?.isOpen) return;
        const at = (this.options.servers ?? []).join(", ") || "the hub";
        const why = this.lastFailure === "" ? "" : ` (${this.lastFailure})`;
        reject(new ClientError("HUB_UNREACHABLE", `hub unreachable at ${at}${why}`));
      }, limit);
      connecting.then(
        (session) => {
          clearTimeout(timer);
          resolve(session);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private async loop(): Promise<RpcSession> {
    for (;;) {
      if (this.stopped) throw new ClientError("CLOSED", "the client is closed");
      this.options.onStateChange?.("connecting");
      try {
        const { session, keyPackagesRemaining } = await this.login();
        // Calls may use the session while onConnected syncs: they do not depend on each other.
        this.session = session;
        for (const resolve of this.waiting.splice(0)) resolve(session);
        try {
          await this.options.onConnected(session, keyPackagesRemaining);
        } catch (err) {
          session.close();
          throw err;
        }
        this.attempt = 0;
        this.ready = undefined;
        this.options.onStateChange?.("connected");
        return session;
      } catch (err) {
        // A refused login (revoked or unknown device) will not get better by retrying.
        if (
          err instanceof ProtocolError &&
          (err.code === "BAD_SIGNATURE" ||
            err.code === "UNSUPPORTED_VERSION" ||
            err.code === "DEVICE_REVOKED")
        ) {
          this.ready = undefined;
          if (err.code === "DEVICE_REVOKED") {
            this.stopped = true;
            this.options.onStateChange?.("revoked", err.message);
          }
          throw err;
        }
        // The next hub, if there are several: this one may be down.
        this.rotation.next();
        const delay = backoffDelay(
          this.attempt++,
          (this.options.random ?? Math.random)(),
          this.options.backoff ?? DEFAULT_BACKOFF,
        );
        this.lastFailure = err instanceof Error ? err.message : String(err);
        this.options.onStateChange?.("disconnected", this.lastFailure);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.retryTimer = setTimeout(resolve, delay);
        });
        this.wake = undefined;
      }
    }
  }

  private async login(): Promise<{ session: RpcSession; keyPackagesRemaining: number }> {
    const opened: { session?: RpcSession } = {};
    const transport = this.options.transports[Number(this.rotation.current)]!;
    const { session, challenge, hubSignatureKey } = await RpcSession.open(
      transport,
      {
        onPush: (push) => this.options.onPush(push),
        onClose: (reason) => this.onClosed(opened.session, reason),
      },
      this.options.timings ?? {},
    );
    opened.session = session;
    this.hubKey = hubSignatureKey;
    try {
      const auth = await session.call("authenticate", {
        deviceId: this.options.deviceId,
        signature: await signChallengeWith(this.options.privateKey, challenge),
      });
      return { session, keyPackagesRemaining: auth.keyPackagesRemaining };
    } catch (err) {
      session.close();
      throw err;
    }
  }

  private onClosed(session: RpcSession | undefined, reason: string): void {
    // Closed while logging in: login() fails and the loop retries.
    if (this.stopped || !session || session !== this.session) return;
    this.session = undefined;
    this.rotation.next();
    this.options.onStateChange?.("disconnected", reason);
    // Reconnect in the background so pushes resume without anyone calling. A
    // revoked device's login is refused (DEVICE_REVOKED) and the link stops.
    this.connect().catch(() => {});
  }
}
