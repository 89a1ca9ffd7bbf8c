/**
 * MLSMessage framing (RFC 9420 §6): decode exactly one message of the
 * expected kind, or fail with a typed error. Encoding goes through here too so
 * every message we emit is version mls10.
 */
import { decodeMlsMessage, encodeMlsMessage } from "ts-mls";
import type {
  GroupInfo,
  MLSMessage,
  MlsMessageContent,
  PrivateMessage,
  PublicMessage,
  Welcome,
} from "ts-mls";
import { MlsEngineError } from "./errors.js";
import { readPrivateMessage } from "./privateMessageReader.js";

type Wireformat = MlsMessageContent["wireformat"];
export type MessageOf<W extends Wireformat> = Extract<MLSMessage, { wireformat: W }>;

/** Decode an MLSMessage; trailing bytes are an error, not ignored. */
export function decodeMessage(bytes: Uint8Array): MLSMessage {
  // Application messages, read by hand (privateMessageReader.ts); every other kind by ts-mls.
  try {
    const privateMessage = readPrivateMessage(bytes);
    if (privateMessage !== undefined) return privateMessage;
  } catch (e) {
    throw new MlsEngineError("MLS_DECODE_FAILED", "not an MLS message", { cause: e });
  }
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw new MlsEngineError("MLS_DECODE_FAILED", "not an MLS message", { cause: e });
  }
  if (decoded === undefined || decoded[1] !== bytes.length)
    throw new MlsEngineError("MLS_DECODE_FAILED", "not an MLS message");
  if (decoded[0].version !== "mls10")
    throw new MlsEngineError("MLS_UNSUPPORTED", `MLS version ${String(decoded[0].version)}`);
  return decoded[0];
}

export function decodeMessageOf<W extends Wireformat>(bytes: Uint8Array, wireformat: W): MessageOf<W> {
  const message = decodeMessage(bytes);
  if (message.wireformat !== wireformat)
    throw new MlsEngineError("MLS_DECODE_FAILED", `expected ${wireformat}, got ${message.wireformat}`);
  return message as MessageOf<W>;
}

export function encodePublicMessage(publicMessage: PublicMessage): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage });
}

export function encodePrivateMessage(privateMessage: PrivateMessage): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage });
}

export function encodeWelcome(welcome: Welcome): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome });
}

export function encodeGroupInfo(groupInfo: GroupInfo): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_group_info", groupInfo });
}
