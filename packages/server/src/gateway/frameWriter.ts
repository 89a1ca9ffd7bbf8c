/**
 * How frames leave one client connection: answers (typed refusals included),
 * pushes and the server Hello, encoded, counted and written, with the
 * frames of one event-loop turn corked into one writev.
 */
import type { WebSocket } from "ws";
import {
  ErrorSchema,
  ResponseSchema,
  ServerFrameSchema,
  create,
  encodeSendMessageAck,
  encodeServerFrame,
  type ErrorCode,
  type ProtocolError,
  type Response,
  type ServerFrame,
} from "@switchboard/protocol";
import type { HubMetrics } from "../metrics/hubMetrics.js";

export class FrameWriter {
  private corked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly metrics: HubMetrics,
  ) {}

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  respond(id: bigint, result: Response["result"]): void {
    if (result.case === "sendMessage") {
      // The hot path: a hand-written encoder (protocol/src/hotFrames.ts).
      if (!this.open) return;
      const { seq, serverTime } = result.value;
      return this.write(encodeSendMessageAck(id, Number(seq), Number(serverTime)), "sendMessage");
    }
    this.sendFrame({ case: "response", value: create(ResponseSchema, { id, result }) });
  }

  refuse(id: bigint, code: ErrorCode, message: string, details: ProtocolError["details"] = {}): void {
    this.metrics.errors.inc({ code });
    this.respond(id, {
      case: "error",
      value: create(ErrorSchema, {
        code,
        message,
        currentEpoch: BigInt(details.currentEpoch ?? 0),
        existingId: details.existingId ?? "",
        firstSeq: BigInt(details.firstSeq ?? 0),
        retryAfterMs: BigInt(details.retryAfterMs ?? 0),
      }),
    });
  }

  sendFrame(body: ServerFrame["body"]): void {
    if (!this.open) return;
    const type = body.case === "response" ? (body.value.result.case ?? "empty") : (body.case ?? "empty");
    this.write(encodeServerFrame(create(ServerFrameSchema, { body })), type);
  }

  /**
   * Frames written in one event-loop turn leave in one writev: a group commit
   * answers many requests at once, and a syscall per frame was a fifth of the
   * hub's CPU under load (bench/README.md).
   */
  write(bytes: Uint8Array, type: string): void {
    this.metrics.frameOut(type, bytes.length);
    const raw = rawSocket(this.socket);
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
}

export interface RawSocket {
  cork(): void;
  uncork(): void;
  on(event: "drain", listener: () => void): void;
}

/** ws keeps the TCP socket private; corking and 'drain' need it. */
export function rawSocket(socket: WebSocket): RawSocket | undefined {
  return (socket as unknown as { _socket?: RawSocket })._socket;
}
