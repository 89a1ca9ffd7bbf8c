/**
 * Client message ids as the SDK sends them: the content's MIMI message id,
 * 32 bytes of a hash, in hex. Random, as a hash is: ids that count up kept
 * the hub's idempotency index in insertion order, which real ids do not
 * (bench/README.md, "What the bench was not showing"). Drawn from a pool, so
 * the benches that count their own process's CPU pay little for them.
 */
import { randomBytes } from "node:crypto";

let pool = Buffer.alloc(0);
let offset = 0;

export function nextMessageId(): string {
  if (offset + 32 > pool.length) {
    pool = randomBytes(32 * 4096);
    offset = 0;
  }
  offset += 32;
  return pool.toString("hex", offset - 32, offset);
}
