/**
 * Frame encoding and decoding: the edge where bytes become typed values.
 * Decoding never throws; it returns a result the caller branches on.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  ClientFrameSchema,
  ServerFrameSchema,
  type ClientFrame,
  type ServerFrame,
} from "./gen/switchboard/v1/frames_pb.js";
import { ContentSchema, type Content } from "./gen/switchboard/v1/content_pb.js";
import { LIMITS } from "./limits.js";
import { readSendMessageFrame } from "./hotFrameReader.js";

export type Decoded<T> =
  | { ok: true; value: T }
  | { ok: false; code: "TOO_LARGE" | "BAD_FRAME"; reason: string };

function decodeWith<T>(bytes: Uint8Array, limit: number, decode: (b: Uint8Array) => T): Decoded<T> {
  if (bytes.byteLength > limit)
    return { ok: false, code: "TOO_LARGE", reason: `frame of ${bytes.byteLength} bytes is over ${limit}` };
  try {
    return { ok: true, value: decode(bytes) };
  } catch (err) {
    return { ok: false, code: "BAD_FRAME", reason: err instanceof Error ? err.message : "undecodable frame" };
  }
}

export function decodeClientFrame(bytes: Uint8Array): Decoded<ClientFrame> {
  // The hot path first: a plain SendMessageRequest, read by hand; any other frame the generic way.
  const sendMessage = bytes.byteLength <= LIMITS.maxFrameBytes ? readSendMessageFrame(bytes) : undefined;
  if (sendMessage !== undefined) return { ok: true, value: sendMessage };
  return decodeWith(bytes, LIMITS.maxFrameBytes, (b) => fromBinary(ClientFrameSchema, b));
}

export function decodeServerFrame(bytes: Uint8Array): Decoded<ServerFrame> {
  return decodeWith(bytes, LIMITS.maxFrameBytes, (b) => fromBinary(ServerFrameSchema, b));
}

export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  return toBinary(ClientFrameSchema, frame);
}

export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  return toBinary(ServerFrameSchema, frame);
}

export function decodeContent(bytes: Uint8Array): Decoded<Content> {
  return decodeWith(bytes, LIMITS.maxMessageBytes, (b) => fromBinary(ContentSchema, b));
}

export function encodeContent(content: Content): Uint8Array {
  return toBinary(ContentSchema, content);
}

/**
 * Decode any message of this schema (the client-only ones of content.proto:
 * link envelopes, history bundles, sealed device messages). Never throws.
 */
export function decodeMessage<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  limit: number = LIMITS.maxFrameBytes,
): Decoded<MessageShape<Desc>> {
  return decodeWith(bytes, limit, (b) => fromBinary(schema, b));
}

export function encodeMessage<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): Uint8Array {
  return toBinary(schema, message);
}

export { create };
