/**
 * One client WebSocket: hello, then requests (each answered exactly once) and
 * pushes. Everything that arrives is size-checked and decoded here, at the
 * edge; a bad frame gets a typed error and the connection goes on (a second
 * Hello or garbage before Hello closes it, since no session exists yet).
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import {
  CHALLENGE_BYTES,
  CLOSE_DEVICE_REVOKED,
  LIMITS,
  PROTOCOL_VERSION,
  ProtocolError,
  ServerFrameSchema,
  create,
  decodeClientFrame,
  encodeSendMessageAck,
  encodeServerFrame,
  type ErrorCode,
  type Request,
  type Response,
  type ServerFrame,
} from "@switchboard/protocol";
import type { Caller } from "../caller.js";
import { handleRequest, type Services, type Session } from "./handlers.js";
import type { LocalRouter, RoutedConnection } from "./router.js";

/** Past this much unsent data, pushes to a slow reader are dropped; it catches up by syncing. */
const MAX_BUFFERED_PUSH_BYTES = 4 * 1024 * 1024;

export class ClientConnection implements Session, RoutedConnection {
  readonly challenge = new Uint8Array(randomBytes(CHALLENGE_BYTES));
  caller: Caller | null = null;
  /** The new device this (unauthenticated) connection began linking, if any. */
  linkingDeviceId: string | null = null;
  /** The device id the router knows this connection by, once routed. */
  private routedAs: string | null = null;
  private socketClosed = false;
  private greeted = false;
  private inFlight = 0;
  private corked = false;
  /** The device was revoked: answer what is in flight, refuse the rest, then close. */
  private revoked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly services: Services,
    private readonly router: LocalRouter,
    private readonly log: Logger,
  ) {
    socket.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    socket.on("close", () => this.onClose());
    socket.on("error", (err) => this.log.debug({ err: err.message }, "socket error"));
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

  push(bytes: Uint8Array): void {
    if (this.revoked || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_PUSH_BYTES) return;
    this.write(bytes);
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
    const bytes = toBytes(data);
    if (!isBinary || !bytes) return this.refuse(0n, "BAD_FRAME", "frames are binary protobuf");
    const decoded = decodeClientFrame(bytes);
    if (!decoded.ok) return this.refuse(0n, decoded.code, decoded.reason);
    const body = decoded.value.body;
    if (!this.greeted) {
      if (body.case !== "hello") {
        this.refuse(0n, "BAD_FRAME", "the first frame must be a Hello");
        return this.close(1002, "hello expected");
      }
      if (body.value.protocolVersion !== PROTOCOL_VERSION) {
        this.refuse(0n, "UNSUPPORTED_VERSION", `this server speaks protocol ${PROTOCOL_VERSION}`);
        return this.close(1002, "unsupported version");
      }
      this.greeted = true;
      this.sendFrame({
        case: "hello",
        value: {
          $typeName: "switchboard.v1.ServerHello",
          protocolVersion: PROTOCOL_VERSION,
          challenge: this.challenge,
          serverTime: BigInt(this.services.clock()),
          hubSignatureKey: this.services.hubSignatureKey,
        },
      });
      return;
    }
    if (body.case !== "request") return this.refuse(0n, "BAD_FRAME", "expected a request");
    this.onRequest(body.value);
  }

  private onRequest(request: Request): void {
    if (this.revoked) return this.refuse(request.id, "DEVICE_REVOKED", "this device was revoked");
    if (this.inFlight >= LIMITS.maxInFlightRequests)
      return this.refuse(request.id, "RATE_LIMITED", "too many requests in flight");
    this.inFlight++;
    handleRequest(this.services, this, request)
      .then((result) => this.respond(request.id, result))
      .catch((err: unknown) => {
        if (err instanceof ProtocolError) return this.refuse(request.id, err.code, err.message, err.details);
        // The Store says it cannot be reached now (a database restarting): retry later, not a bug.
        if (isUnavailable(err)) {
          this.log.warn({ err: (err as Error).message, op: request.op.case }, "store unavailable");
          return this.refuse(request.id, "UNAVAILABLE", "storage is unavailable; retry shortly");
        }
        this.log.error(
          { err: err instanceof Error ? err.message : String(err), op: request.op.case },
          "request failed",
        );
        this.refuse(request.id, "INTERNAL", "internal error");
      })
      .finally(() => {
        this.inFlight--;
        this.closeIfRevoked();
      });
  }

  private respond(id: bigint, result: Response["result"]): void {
    if (result.case === "sendMessage") {
      // The hot path: a hand-written encoder (protocol/src/hotFrames.ts).
      if (this.socket.readyState !== this.socket.OPEN) return;
      const { seq, serverTime } = result.value;
      return this.write(encodeSendMessageAck(id, Number(seq), Number(serverTime)));
    }
    this.sendFrame({ case: "response", value: { $typeName: "switchboard.v1.Response", id, result } });
  }

  private refuse(id: bigint, code: ErrorCode, message: string, details: ProtocolError["details"] = {}): void {
    this.respond(id, {
      case: "error",
      value: {
        $typeName: "switchboard.v1.Error",
        code,
        message,
        currentEpoch: BigInt(details.currentEpoch ?? 0),
        existingId: details.existingId ?? "",
        firstSeq: BigInt(details.firstSeq ?? 0),
      },
    });
  }

  private sendFrame(body: ServerFrame["body"]): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.write(encodeServerFrame(create(ServerFrameSchema, { body })));
  }

  /**
   * Frames written in one event-loop turn leave in one writev: a group commit
   * answers many requests at once, and a syscall per frame was a fifth of the
   * hub's CPU under load (bench/README.md).
   */
  private write(bytes: Uint8Array): void {
    const raw = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (raw && !this.corked) {
      this.corked = true;
      raw.cork();
      process.nextTick(() => {
        this.corked = false;
        raw.uncork();
      });
    }
    this.socket.send(bytes);
  }

  private onClose(): void {
    this.socketClosed = true;
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
