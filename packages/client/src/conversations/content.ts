/**
 * The protobuf `Content` that SDKs before MIMI sent (SPEC CT3): new messages
 * are MIMI content (content/build.ts); this is kept only to encrypt again an
 * outbox item an older SDK left without its plaintext, and for benchmarks.
 * Reading old Content is content/interpret.ts's job.
 */
import { ContentSchema, create, encodeContent } from "@switchboard/protocol";

export function legacyTextContent(id: string, text: string, sentAt: number): Uint8Array {
  return encodeContent(
    create(ContentSchema, { id, sentAt: BigInt(sentAt), body: { case: "text", value: { body: text } } }),
  );
}
