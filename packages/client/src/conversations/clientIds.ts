/** A 128-bit random client message id for a commit (DS3: a retry of the same commit reuses it). */
export function randomClientId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
