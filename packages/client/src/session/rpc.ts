/**
 * One connection's request/response layer: Hello first, then requests with
 * ids, each resolved by exactly one Response; Pushes go to a handler. Wire
 * errors become ProtocolError with the server's code.
 *
 * A connection that stops answering is closed, so the link reconnects (to
 * another hub, when it knows several): a hub whose machine vanished leaves
 * no TCP close behind, and the socket would otherwise look open for
 * minutes. A request unanswered within `timeoutMs` closes it, and after
 * `keepAliveMs` with nothing received the session sends a ping request,
 * which that rule then covers.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  ClientFrameSchema,
  PROTOCOL_VERSION,
  ProtocolError,
  RequestSchema,
  create,
  decodeServerFrame,
  encodeClientFrame,
  isErrorCode,
  type Push,
  type Request,
  type Response,
  type ServerHello,
} from "@switchboard/protocol";
import { ClientError, RateLimitedError } from "../errors.js";
import type { Transport, TransportConnection } from "../transport/port.js";

export type OpCase = NonNullable<Request["op"]["case"]>;
export type OpInit<K extends OpCase> = Extract<
  NonNullable<MessageInitShape<typeof RequestSchema>["op"]>,
  { case: K }
>["value"];
export type ResultOf<K extends OpCase> = Extract<Response["result"], { case: K }>["value"];

interface Pending {
  op: OpCase;
  resolve(result: Response["result"]): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface RpcTimings {
  /** A request unanswered this long fails with TIMEOUT and closes the connection (default 15 s). */
  timeoutMs?: number;
  /** With nothing received this long, ping the hub (default 25 s). */
  keepAliveMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_KEEP_ALIVE_MS = 25_000;

export interface RpcHandlers {
  onPush(push: Push): void;
  onClose(reason: string): void;
}

export class RpcSession {
  private nextId = 1n;
  private readonly pending = new Map<bigint, Pending>();
  private connection: TransportConnection | undefined;
  private closed = false;
  private helloResolve: ((hello: ServerHello) => void) | undefined;
  private keepAlive: ReturnType<typeof setTimeout> | undefined;
  /** performance.now() of the last frame received (a timestamp, not a timer per frame). */
  private lastReceived = 0;

  private constructor(
    private readonly handlers: RpcHandlers,
    private readonly timeoutMs: number,
    private readonly keepAliveMs: number,
  ) {}

  /**
   * Connect and exchange hellos; resolves with the session, the server's login
   * challenge and the hub's external-sender key (for new groups).
   */
  static async open(
    transport: Transport,
    handlers: RpcHandlers,
    options: RpcTimings & { client?: string } = {},
  ): Promise<{ session: RpcSession; challenge: Uint8Array; hubSignatureKey: Uint8Array }> {
    const session = new RpcSession(
      handlers,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    );
    const hello = new Promise<ServerHello>((resolve) => (session.helloResolve = resolve));
    session.connection = await transport.connect({
      onMessage: (bytes) => session.onMessage(bytes),
      onClose: (reason) => session.onClose(reason),
    });
    session.connection.send(
      encodeClientFrame(
        create(ClientFrameSchema, {
          body: {
            case: "hello",
            value: { protocolVersion: PROTOCOL_VERSION, client: options.client ?? "switchboard-sdk" },
          },
        }),
      ),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ClientError("TIMEOUT", "the server did not answer hello")),
        session.timeoutMs,
      );
    });
    try {
      const { challenge, hubSignatureKey } = await Promise.race([hello, timeout]);
      session.armKeepAlive();
      return { session, challenge, hubSignatureKey };
    } catch (err) {
      session.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  call<K extends OpCase>(op: K, value: OpInit<K>): Promise<ResultOf<K>> {
    if (this.closed || !this.connection)
      return Promise.reject(new ClientError("NOT_CONNECTED", "not connected"));
    const id = this.nextId++;
    const request = create(RequestSchema, {
      id,
      op: { case: op, value } as NonNullable<MessageInitShape<typeof RequestSchema>["op"]>,
    });
    return new Promise<ResultOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientError("TIMEOUT", `${op} timed out`));
        // No answer in this long: the connection is taken as dead.
        this.close(`no answer to ${op} in ${this.timeoutMs} ms`);
      }, this.timeoutMs);
      const settle = resolve as (value: unknown) => void;
      this.pending.set(id, { op, resolve: (r) => settle(r.value), reject, timer });
      this.connection!.send(
        encodeClientFrame(create(ClientFrameSchema, { body: { case: "request", value: request } })),
      );
    });
  }

  close(reason = "closed by client"): void {
    if (this.closed) return;
    this.connection?.close();
    this.onClose(reason);
  }

  /** Check for idleness every keepAliveMs: with nothing received that long, ping. */
  private armKeepAlive(delay = this.keepAliveMs): void {
    if (this.closed) return;
    this.keepAlive = setTimeout(() => {
      const idle = performance.now() - this.lastReceived;
      if (idle < this.keepAliveMs) return this.armKeepAlive(this.keepAliveMs - idle);
      // The answer, or its absence (which closes the session), is all we need.
      this.call("ping", {})
        .catch(() => undefined)
        .then(() => this.armKeepAlive())
        .catch(() => {});
    }, delay);
    // An idle timer must not keep a process alive on its own.
    this.keepAlive.unref?.();
  }

  private onMessage(bytes: Uint8Array): void {
    this.lastReceived = performance.now();
    const decoded = decodeServerFrame(bytes);
    if (!decoded.ok) return; // A frame we cannot read is dropped; the request it answered times out.
    const body = decoded.value.body;
    if (body.case === "hello") {
      this.helloResolve?.(body.value);
      this.helloResolve = undefined;
    } else if (body.case === "push") {
      this.handlers.onPush(body.value);
    } else if (body.case === "response") {
      const pending = this.pending.get(body.value.id);
      if (!pending) return;
      this.pending.delete(body.value.id);
      clearTimeout(pending.timer);
      const result = body.value.result;
      if (result.case === "error") {
        const e = result.value;
        const code = isErrorCode(e.code) ? e.code : "INTERNAL";
        if (code === "RATE_LIMITED")
          return pending.reject(new RateLimitedError(e.message, Number(e.retryAfterMs)));
        pending.reject(
          new ProtocolError(code, e.message, {
            currentEpoch: Number(e.currentEpoch),
            existingId: e.existingId,
            ...(e.firstSeq > 0n ? { firstSeq: Number(e.firstSeq) } : {}),
          }),
        );
      } else if (result.case !== pending.op) {
        pending.reject(
          new ClientError("CLOSED", `unexpected ${String(result.case)} answer to ${pending.op}`),
        );
      } else {
        pending.resolve(result);
      }
    }
  }

  private onClose(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.keepAlive);
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ClientError("NOT_CONNECTED", `connection lost during ${pending.op}`));
    }
    this.pending.clear();
    this.handlers.onClose(reason);
  }
}
