/** The Content carried inside MLS application messages: build and read. */
import { ContentSchema, create, decodeContent, encodeContent, type Content } from "@switchboard/protocol";

/** 128-bit random id, URL-safe: the client message id and the Content id. */
export function newMessageId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function textContent(id: string, text: string, sentAt: number): Uint8Array {
  return encodeContent(
    create(ContentSchema, { id, sentAt: BigInt(sentAt), body: { case: "text", value: { body: text } } }),
  );
}

export function groupProfileContent(id: string, title: string, sentAt: number): Uint8Array {
  return encodeContent(
    create(ContentSchema, { id, sentAt: BigInt(sentAt), body: { case: "groupProfile", value: { title } } }),
  );
}

export function readContent(bytes: Uint8Array): Content | undefined {
  const decoded = decodeContent(bytes);
  return decoded.ok ? decoded.value : undefined;
}
