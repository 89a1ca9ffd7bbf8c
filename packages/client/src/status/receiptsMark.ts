/**
 * [RS3] Whether an outgoing plaintext is a receipt batch, which is never
 * urgent: the outbox marks its send so. Apart from signals.ts so that the
 * outbox, which every page loads, does not bring the status code with it
 * (SPEC WB16): it reads only the content's one part type.
 */
import { Cardinality, MESSAGE_STATUS_CONTENT_TYPE, decodeMimiContent } from "@switchboard/protocol";

/** Deterministic CBOR's head for MIMI content, an array of 7 (cheap to reject anything else). */
export const MIMI_ARRAY_OF_7 = 0x87;

export function isReceiptsContent(plaintext: Uint8Array): boolean {
  if (plaintext[0] !== MIMI_ARRAY_OF_7) return false;
  const decoded = decodeMimiContent(plaintext);
  if (!decoded.ok) return false;
  const body = decoded.value.body;
  return body.cardinality === Cardinality.single && body.contentType === MESSAGE_STATUS_CONTENT_TYPE;
}
