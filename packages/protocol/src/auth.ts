/**
 * What a device signs to prove it holds its key. A fixed label keeps the
 * signature from being reusable as any other signed object (the same idea as
 * RFC 9420 §5.1.2 SignWithLabel).
 */
const LABEL = new TextEncoder().encode("switchboard v1 device authentication\0");

export function authChallengeMessage(challenge: Uint8Array): Uint8Array {
  const out = new Uint8Array(LABEL.length + challenge.length);
  out.set(LABEL, 0);
  out.set(challenge, LABEL.length);
  return out;
}

export const CHALLENGE_BYTES = 32;
