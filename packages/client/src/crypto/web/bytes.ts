/**
 * Byte helpers for the WebCrypto provider: no Node Buffer, so they run in a
 * page as they do in Node.
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** WebCrypto's BufferSource wants an ArrayBuffer-backed view; ours always are. */
export function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/** A stable Map key for key bytes: one char per byte. */
export function bytesKey(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

export function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

/** crypto.getRandomValues fills at most 65536 bytes a call. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let offset = 0; offset < n; offset += 65536)
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(n, offset + 65536)));
  return out;
}
