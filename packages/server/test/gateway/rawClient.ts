/** A bare protocol client for gateway tests: raw frames in, decoded frames out. */
import { ed25519 } from "@noble/curves/ed25519.js";
import WebSocket from "ws";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  ClientFrameSchema,
  type RequestSchema,
  type Response,
  PROTOCOL_VERSION,
  authChallengeMessage,
  create,
  decodeServerFrame,
  encodeClientFrame,
  type ClientFrame,
  type ServerFrame,
  type ServerHello,
} from "@switchboard/protocol";

export class RawClient {
  readonly frames: ServerFrame[] = [];
  closed = false;
  /** The WebSocket close code the server sent, once closed. */
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data));
      if (!decoded.ok) throw new Error(`server sent an undecodable frame: ${decoded.reason}`);
      this.frames.push(decoded.value);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on("close", (code: number) => {
      this.closed = true;
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** `localAddress` picks the client's source address (all of 127/8 is loopback on Linux). */
  static async connect(url: string, options: { localAddress?: string } = {}): Promise<RawClient> {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/ws", options);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new RawClient(ws);
  }

  sendBytes(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  /** Wait for the next frame matching `pick`; fails if the socket closes first. */
  async next<T>(pick: (f: ServerFrame) => T | undefined, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = 0; i < this.frames.length; i++) {
        const found = pick(this.frames[i]!);
        if (found !== undefined) {
          this.frames.splice(i, 1);
          return found;
        }
      }
      if (this.closed) throw new Error("socket closed");
      if (Date.now() > deadline) throw new Error("timed out waiting for a frame");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async hello(): Promise<Uint8Array> {
    return (await this.greet()).challenge;
  }

  /** Send Hello; the server's whole answer (challenge, hub key, time). */
  async greet(): Promise<ServerHello> {
    this.send(
      create(ClientFrameSchema, {
        body: { case: "hello", value: { protocolVersion: PROTOCOL_VERSION, client: "raw-test" } },
      }),
    );
    return this.next((f) => (f.body.case === "hello" ? f.body.value : undefined));
  }

  /** Send a request and wait for its response. */
  async request(op: RequestOp, id: bigint): Promise<Response> {
    this.send(requestFrame(id, op));
    return this.next((f) =>
      f.body.case === "response" && f.body.value.id === id ? f.body.value : undefined,
    );
  }

  close(): void {
    this.ws.close();
  }

  /** Stop reading the socket, as a client that never reads its answers. */
  stopReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  /** Resolves once the socket is closed (by either side). */
  async closedWith(timeoutMs = 5000): Promise<number | undefined> {
    await this.next(() => undefined, timeoutMs).catch(() => {});
    if (!this.closed) throw new Error("the socket is still open");
    return this.closeCode;
  }
}

export function newKeys(): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const privateKey = ed25519.utils.randomSecretKey();
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

export function sign(privateKey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return ed25519.sign(authChallengeMessage(challenge), privateKey);
}

export type RequestOp = NonNullable<MessageInitShape<typeof RequestSchema>["op"]>;

export function requestFrame(id: bigint, op: RequestOp): ClientFrame {
  return create(ClientFrameSchema, { body: { case: "request", value: { id, op } } });
}
