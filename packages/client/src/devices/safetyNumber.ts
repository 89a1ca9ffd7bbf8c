/**
 * A safety number two people compare (in person, or by scanning) to know no
 * one sits between them: 60 digits derived from both accounts' addresses and
 * the keys of all their active devices. It changes whenever either person
 * adds or revokes a device, which is why the SDK tells the app when that
 * happens. Both sides compute the same number (the halves are ordered by
 * address).
 */
import { fromHex } from "@switchboard/protocol";

const LABEL = new TextEncoder().encode("switchboard v1 safety number\0");

export interface AccountKeys {
  address: string;
  /** Device id -> Ed25519 public key (hex), active devices only. */
  devices: Map<string, string>;
}

/** 30 digits for one account: six groups of five, from its address and device keys. */
async function half(account: AccountKeys): Promise<string> {
  const parts: Uint8Array[] = [LABEL, new TextEncoder().encode(account.address)];
  for (const id of [...account.devices.keys()].sort()) parts.push(fromHex(account.devices.get(id)!));
  const size = parts.reduce((n, p) => n + 4 + p.length, 0);
  const input = new Uint8Array(size);
  const view = new DataView(input.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    input.set(p, at + 4);
    at += 4 + p.length;
  }
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", input));
  let digits = "";
  for (let i = 0; i < 6; i++) {
    // Five bytes per group, reduced to five digits (as Signal's numeric fingerprints do).
    let n = 0;
    for (let b = 0; b < 5; b++) n = n * 256 + digest[i * 5 + b]!;
    digits += String(n % 100000).padStart(5, "0");
  }
  return digits;
}

/** "12345 67890 ..." (12 groups of five digits), the same on both sides. */
export async function safetyNumber(a: AccountKeys, b: AccountKeys): Promise<string> {
  const [first, second] = [a, b].sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
  const digits = (await half(first!)) + (await half(second!));
  return digits.match(/.{5}/g)!.join(" ");
}
