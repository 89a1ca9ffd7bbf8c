/**
 * One client WebSocket: hello, then requests (each answered exactly once) and
 * pushes. Everything that arrives is size-checked and decoded here, at the
 * edge; a bad frame gets a typed error and the connection goes on (a second
 * Hello or garbage before Hello closes it, since no session exists yet).
 *
 * What it sends is bounded by one budget (sendBudget.ts, SPEC EG2): a request
 * starts only while its possible answer fits; the others are held in order
 * and the socket is not read until they can start, so a client that does not
 * read its answers stops being read itself, and is closed if it stays so.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import {
  CHALLENGE_BYTES,
  CLOSE_DEVICE_REVOKED,
  CLOSE_TOO_SLOW,
  LIMITS,
  PROTOCOL_VERSION,
  ProtocolError,
  ServerHelloSchema,
  create,
  decodeClientFrame,
  type Request,
} from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import type { HubMetrics } from "../metrics/hubMetrics.js";
import type { ConnectionSettings, Timers } from "./connectionSettings.js";
import { handleRequest, type Services, type Session } from "./handlers.js";
import type { LocalRouter, RoutedConnection } from "./router.js";
import { FrameWriter, rawSocket } from "./frameWriter.js";
import { SendBudget } from "./sendBudget.js";
import type { TurnBudget, TurnWaiter } from "./turnBudget.js";

type Op = NonNullable<Request["op"]["case"]>;

/** Operations whose answer is a few fixed fields; every other may answer with a whole frame. */
const SMALL_ANSWER_OPS: ReadonlySet<Op> = new Set<Op>([
  "sendMessage",
  "commit",
  "ack",
  "ackInbox",
  "ping",
  "uploadKeyPackages",
  "sendToDevice",
  "register",
  "authenticate",
  "beginLink",
]);

/** The bytes a request reserves of the send budget while it runs. */
function answerCost(request: Request): number {
  const op = request.op.case;
  return op !== undefined && SMALL_ANSWER_OPS.has(op) ? 0 : LIMITS.maxFrameBytes;
}

/** The parts of the connection's surroundings it needs besides the socket. */
export interface ConnectionContext {
  services: Services;
  router: LocalRouter;
  log: Logger;
  settings: ConnectionSettings;
  timers: Timers;
  metrics: HubMetrics;
  /** Hub-wide answer bytes per event-loop turn, shared by every connection (turnBudget.ts). */
  turnBudget: TurnBudget;
}

export class ClientConnection implements Session, RoutedConnection, TurnWaiter {
  readonly challenge = new Uint8Array(randomBytes(CHALLENGE_BYTES));
  caller: Caller | null = null;
  /** The new device this (unauthenticated) connection began linking, if any. */
  linkingDeviceId: string | null = null;
  /** The device id the router knows this connection by, once routed. */
  private routedAs: string | null = null;
  private socketClosed = false;
  private greeted = false;
  private inFlight = 0;
  private pumpScheduled = false;
  /** The device was revoked: answer what is in flight, refuse the rest, then close. */
  private revoked = false;
  /**
   * Requests read but not started: their answers would not fit the send
   * budget yet. Those that arrived behind others are kept as their frame's
   * bytes until they are first in line.
   */
  private readonly held: Array<Request | Uint8Array> = [];
  private readingPaused = false;
  private readonly budget: SendBudget;
  private helloTimer: unknown;
  private readonly writer: FrameWriter;
  private readonly services: Services;
  private readonly router: LocalRouter;
  private readonly log: Logger;

  constructor(
    private readonly socket: WebSocket,
    private readonly context: ConnectionContext,
    /** The client's IP address (per-IP rate limits). */
    readonly remoteAddress: string,
  ) {
    this.writer = new FrameWriter(socket, context.metrics);
    this.services = context.services;
    this.router = context.router;
    this.log = context.log;
    const { settings, timers } = context;
    this.budget = new SendBudget(settings.sendBudgetBytes, settings.stuckCloseMs, timers, () =>
      this.onStuck(),
    );
    this.helloTimer = timers.setTimeout(() => {
      this.helloTimer = null;
      context.metrics.connectionsClosed.inc({ reason: "hello_deadline" });
      this.close(1008, "hello deadline passed");
    }, settings.helloDeadlineMs);
    socket.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    socket.on("close", () => this.onClose());
    socket.on("error", (err) => this.log.debug({ err }, "socket error"));
    // The kernel took what was queued: held requests may start, reading may resume.
    rawSocket(socket)?.on("drain", () => {
      this.budget.progress();
      this.pump();
    });
  }

  get deviceId(): string {
    return this.caller?.deviceId ?? this.linkingDeviceId ?? "";
  }

  async onAuthenticated(caller: Caller): Promise<void> {
    this.caller = caller;
    this.linkingDeviceId = null;
    const conversations = await this.services.delivery.listConversations(caller);
    // A linking connection that now logs in (as the linked device, normally)
    // is routed as the device it is; attach adds its conversations.
    this.route(conversations.map((c) => c.id));
    this.log.debug({ device: caller.deviceId }, "device authenticated");
  }

  onLinkBegun(deviceId: string): void {
    this.linkingDeviceId = deviceId;
    this.route([]);
  }

  private route(conversationIds: string[]): void {
    if (this.socketClosed) return;
    if (this.routedAs !== null && this.routedAs !== this.deviceId) this.router.detach(this, this.routedAs);
    this.routedAs = this.deviceId;
    this.router.attach(this, conversationIds);
  }

  onJoined(conversationId: string): void {
    this.router.join(conversationId, this.deviceId);
  }

  /** Dropped when over the send budget: the client catches up by syncing. */
  push(bytes: Uint8Array): void {
    if (this.revoked || this.socket.readyState !== this.socket.OPEN) return;
    if (!this.budget.mayPush(this.socket.bufferedAmount, bytes.length)) {
      this.context.metrics.pushesDropped.inc();
      return;
    }
    this.writer.write(bytes, "push");
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  revoke(): void {
    this.revoked = true;
    this.closeIfRevoked();
  }

  /** After the last answer: a device that revoked itself still gets its RevokeDevice response. */
  private closeIfRevoked(): void {
    if (this.revoked && this.inFlight === 0) this.close(CLOSE_DEVICE_REVOKED, "device revoked");
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    // ws hands over a closing socket's unread frames as it closes: nobody will read their answers.
    if (this.socket.readyState !== this.socket.OPEN) return;
    const bytes = toBytes(data);
    if (!isBinary || !bytes) {
      this.context.metrics.frameIn("invalid", bytes?.length ?? 0);
      return this.writer.refuse(0n, "BAD_FRAME", "frames are binary protobuf");
    }
    if (!this.greeted) return this.onGreeting(bytes);
    // Requests wait already: this one waits behind them undecoded, so a burst of
    // pipelined frames is decoded one by one as each starts, not all in one turn (SPEC EG7).
    if (this.held.length > 0) {
      this.held.push(bytes);
      return this.updateFlow();
    }
    const request = this.decodeRequest(bytes);
    if (request !== undefined) this.onRequest(request);
  }

  /** The first frame must be a Hello; before it nobody is known. */
  private onGreeting(bytes: Uint8Array): void {
    // A large frame is not worth decoding (SPEC EG3).
    if (bytes.length > this.context.settings.maxPreHelloFrameBytes) {
      this.context.metrics.frameIn("invalid", bytes.length);
      this.context.metrics.connectionsClosed.inc({ reason: "frame_before_hello" });
      this.writer.refuse(0n, "TOO_LARGE", "frame too large before Hello");
      return this.close(1009, "frame too large before hello");
    }
    const decoded = decodeClientFrame(bytes);
    if (!decoded.ok) {
      this.context.metrics.frameIn("invalid", bytes.length);
      return this.writer.refuse(0n, decoded.code, decoded.reason);
    }
    const body = decoded.value.body;
    this.context.metrics.frameIn(body.case ?? "invalid", bytes.length);
    if (body.case !== "hello") {
      this.writer.refuse(0n, "BAD_FRAME", "the first frame must be a Hello");
      return this.close(1002, "hello expected");
    }
    if (body.value.protocolVersion !== PROTOCOL_VERSION) {
      this.writer.refuse(0n, "UNSUPPORTED_VERSION", `this server speaks protocol ${PROTOCOL_VERSION}`);
      return this.close(1002, "unsupported version");
    }
    this.greeted = true;
    this.clearHelloTimer();
    this.writer.sendFrame({
      case: "hello",
      value: create(ServerHelloSchema, {
        protocolVersion: PROTOCOL_VERSION,
        challenge: this.challenge,
        serverTime: BigInt(this.services.clock()),
        hubSignatureKey: this.services.hubSignatureKey,
      }),
    });
  }

  /** A frame after Hello: a request, or a typed refusal (and undefined). */
  private decodeRequest(bytes: Uint8Array): Request | undefined {
    const decoded = decodeClientFrame(bytes);
    if (!decoded.ok) {
      this.context.metrics.frameIn("invalid", bytes.length);
      this.writer.refuse(0n, decoded.code, decoded.reason);
      return undefined;
    }
    const body = decoded.value.body;
    this.context.metrics.frameIn(
      body.case === "request" ? (body.value.op.case ?? "invalid") : (body.case ?? "invalid"),
      bytes.length,
    );
    if (body.case !== "request") {
      this.writer.refuse(0n, "BAD_FRAME", "expected a request");
      return undefined;
    }
    return body.value;
  }

  /** The first held request, decoded now if it waited as bytes; undefined (and dropped) if refused. */
  private heldHead(): Request | undefined {
    const head = this.held[0]!;
    if (!(head instanceof Uint8Array)) return head;
    const request = this.decodeRequest(head);
    if (request === undefined) this.held.shift();
    else this.held[0] = request;
    return request;
  }

  private onRequest(request: Request): void {
    if (this.held.length > 0 || !this.mayStart(request)) {
      this.held.push(request);
      return this.updateFlow();
    }
    if (!this.context.turnBudget.take(answerCost(request))) {
      this.held.push(request);
      this.context.turnBudget.wait(this);
      return this.updateFlow();
    }
    this.start(request);
  }

  /** The hub-wide turn budget has room again (TurnWaiter). */
  resume(): void {
    this.pump();
  }

  /**
   * Room for one more request: under the in-flight cap (DESIGN rule 6), and
   * its answer fits the send budget. Otherwise it waits, unread, rather than
   * being refused: the client sees a slower hub, not an error.
   */
  private mayStart(request: Request): boolean {
    return (
      this.inFlight < LIMITS.maxInFlightRequests &&
      this.budget.mayStart(this.socket.bufferedAmount, answerCost(request))
    );
  }

  /**
   * Held requests start on a later turn of the event loop, not in the
   * promise chain of the one that finished: a store answers a fetch without
   * waiting, so a chain of them (ten slow consumers' pipelined fetches) would
   * otherwise run for hundreds of milliseconds without letting any other
   * socket, or /healthz, be served (SPEC EG2).
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Start held requests, in order, while their answers fit; then pause or resume reading. */
  private pump(): void {
    let started = 0;
    while (this.held.length > 0 && !this.socketClosed) {
      const next = this.heldHead();
      if (next === undefined) continue;
      if (!this.mayStart(next)) break;
      if (!this.context.turnBudget.take(answerCost(next))) {
        this.context.turnBudget.wait(this);
        break;
      }
      this.held.shift();
      this.start(next);
      started++;
    }
    if (started > 0) this.budget.progress();
    this.updateFlow();
  }

  /**
   * Blocked (requests held, or the queue over budget): stop reading the socket,
   * so what the client sends waits in its own buffers, not in ours.
   */
  private updateFlow(): void {
    if (this.socketClosed) return;
    const blocked =
      this.held.length > 0 || this.socket.bufferedAmount > this.context.settings.sendBudgetBytes;
    this.budget.setBlocked(blocked);
    if (blocked && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    } else if (!blocked && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  /** Blocked for stuckCloseMs: it is not reading. Its queued bytes are freed with the socket. */
  private onStuck(): void {
    this.context.metrics.connectionsClosed.inc({ reason: "too_slow" });
    this.log.info(
      { device: this.deviceId, queued: this.socket.bufferedAmount },
      "closing a connection too slow to serve",
    );
    this.close(CLOSE_TOO_SLOW, "too slow");
    this.socket.terminate();
  }

  private start(request: Request): void {
    if (this.revoked) return this.writer.refuse(request.id, "DEVICE_REVOKED", "this device was revoked");
    const cost = answerCost(request);
    this.budget.reserve(cost);
    this.inFlight++;
    // One promise per request, not three (then, catch, finally): the hot path (issue 18).
    handleRequest(this.services, this, request).then(
      (result) => {
        try {
          this.writer.respond(request.id, result);
        } catch (err) {
          this.refuseFailed(request, err);
        } finally {
          this.finish(cost);
        }
      },
      (err: unknown) => {
        try {
          this.refuseFailed(request, err);
        } finally {
          this.finish(cost);
        }
      },
    );
  }

  /** The typed refusal for a request that failed. */
  private refuseFailed(request: Request, err: unknown): void {
    if (err instanceof ProtocolError)
      return this.writer.refuse(request.id, err.code, err.message, err.details);
    // The Store says it cannot be reached now (a database restarting): retry later, not a bug.
    if (isUnavailable(err)) {
      this.log.warn({ err, op: request.op.case }, "store unavailable");
      return this.writer.refuse(request.id, "UNAVAILABLE", "storage is unavailable; retry shortly");
    }
    this.log.error({ err, op: request.op.case }, "request failed");
    this.writer.refuse(request.id, "INTERNAL", "internal error");
  }

  /** After the answer is written (it counts in bufferedAmount instead of the reservation now). */
  private finish(cost: number): void {
    this.budget.release(cost);
    this.inFlight--;
    if (this.held.length > 0) this.schedulePump();
    else this.updateFlow();
    this.closeIfRevoked();
  }

  private clearHelloTimer(): void {
    if (this.helloTimer === null) return;
    this.context.timers.clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }

  private onClose(): void {
    this.socketClosed = true;
    this.held.length = 0;
    this.context.turnBudget.forget(this);
    this.budget.dispose();
    this.clearHelloTimer();
    if (this.routedAs !== null) this.router.detach(this, this.routedAs);
  }
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return undefined;
}

/** An error a Store adapter raises when its database cannot be reached (code "UNAVAILABLE"). */
function isUnavailable(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === "UNAVAILABLE";
}
