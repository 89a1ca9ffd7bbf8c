/**
 * A device speaking the real protocol with no SDK on top: hello, login by
 * signing the challenge, requests by id, pushes to a callback. The load
 * generator uses it to send pre-encrypted MLS ciphertext at full speed (the
 * hub cannot tell it from an SDK) without paying client-side crypto.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import WebSocket from "ws";
import {
  ClientFrameSchema,
  PROTOCOL_VERSION,
  authChallengeMessage,
  create,
  decodeServerFrame,
  encodeClientFrame,
  ResponseSchema,
  type Push,
  type RequestSchema,
  type Response,
} from "@switchboard/protocol";

export type RequestOp = NonNullable<MessageInitShape<typeof RequestSchema>["op"]>;

export interface DeviceKeys {
  deviceId: string;
  /** Ed25519 private key seed (32 bytes). */
  privateKey: Uint8Array;
}

export class WireDevice {
  private nextId = 1n;
  private readonly pending = new Map<bigint, (r: Response) => void>();
  private challengeWaiter: ((c: Uint8Array) => void) | undefined;
  /** The hub's MLS external-sender key, from its hello; every new group names it. */
  hubSignatureKey: Uint8Array = new Uint8Array();
  onPush: (push: Push, receivedAt: number) => void = () => {};
  onClose: () => void = () => {};
  /**
   * Sees every frame before it is decoded; returning true consumes it. The
   * load generator reads pushed seqs this way: a full protobuf decode per
   * push made it, not the hub, the limit under group fan-out.
   */
  onFrame: ((frame: Buffer, receivedAt: number) => boolean) | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const receivedAt = performance.now();
      if (this.onFrame?.(data, receivedAt)) return;
      const decoded = decodeServerFrame(data);
      if (!decoded.ok) return;
      const body = decoded.value.body;
      if (body.case === "response") {
        const resolve = this.pending.get(body.value.id);
        this.pending.delete(body.value.id);
        resolve?.(body.value);
      } else if (body.case === "push") {
        this.onPush(body.value, receivedAt);
      } else if (body.case === "hello") {
        this.hubSignatureKey = body.value.hubSignatureKey;
        this.challengeWaiter?.(body.value.challenge);
      }
    });
    ws.on("close", () => {
      // Waiters get a Response with no result: the socket closed under them.
      for (const [, resolve] of this.pending) resolve(create(ResponseSchema, {}));
      this.pending.clear();
      this.onClose();
    });
  }

  /** Open a socket and exchange hellos; resolves with the device and the login challenge. */
  static async open(
    server: string,
    options: { localAddress?: string } = {},
  ): Promise<{ device: WireDevice; challenge: Uint8Array }> {
    // `localAddress` (any of 127/8 on Linux) lets the abuse script come from another IP than the canary.
    const ws = new WebSocket(server.replace(/^http/, "ws") + "/ws", {
      perMessageDeflate: false,
      maxPayload: 4 * 1024 * 1024,
      ...options,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const device = new WireDevice(ws);
    const challenge = new Promise<Uint8Array>((resolve) => (device.challengeWaiter = resolve));
    ws.send(
      encodeClientFrame(
        create(ClientFrameSchema, {
          body: { case: "hello", value: { protocolVersion: PROTOCOL_VERSION, client: "bench" } },
        }),
      ),
    );
    return { device, challenge: await challenge };
  }

  /** Open and log in as an existing device. */
  static async login(server: string, keys: DeviceKeys): Promise<WireDevice> {
    const { device, challenge } = await WireDevice.open(server);
    const response = await device.request({
      case: "authenticate",
      value: {
        deviceId: keys.deviceId,
        signature: ed25519.sign(authChallengeMessage(challenge), keys.privateKey),
      },
    });
    if (response.result.case !== "authenticate") throw new Error(`login failed: ${describe(response)}`);
    return device;
  }

  request(op: RequestOp): Promise<Response> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(
        encodeClientFrame(create(ClientFrameSchema, { body: { case: "request", value: { id, op } } })),
      );
    });
  }

  /** Send without waiting; `done` runs with the response. For pipelined load. */
  send(op: RequestOp, done: (r: Response) => void): void {
    const id = this.nextId++;
    this.pending.set(id, done);
    this.ws.send(
      encodeClientFrame(create(ClientFrameSchema, { body: { case: "request", value: { id, op } } })),
    );
  }

  /**
   * Send a request the caller encoded itself (a hot-path encoder), under an
   * id from this device; `done` runs with the decoded response unless the
   * caller settles it first from the raw frame (`settled`).
   */
  sendEncoded(encode: (id: bigint) => Uint8Array, done: (r: Response) => void): bigint {
    const id = this.nextId++;
    this.pending.set(id, done);
    this.ws.send(encode(id));
    return id;
  }

  /** The caller read the response to `id` from its raw frame: forget the waiter. */
  settled(id: bigint): void {
    this.pending.delete(id);
  }

  /** Stop reading from the socket (a slow consumer): the hub's answers pile up on its side. */
  stopReading(): void {
    (this.ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  close(): void {
    this.ws.close();
  }

  /** Drop the socket without a close handshake (a crashed or vanished client). */
  terminate(): void {
    this.ws.terminate();
  }
}

export function describe(response: Response): string {
  return response.result.case === "error"
    ? `${response.result.value.code}: ${response.result.value.message}`
    : String(response.result.case);
}

export function signLogin(privateKey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return ed25519.sign(authChallengeMessage(challenge), privateKey);
}
