/**
 * A tus-js-client file source over a byte stream that may skip forward: a
 * resumed upload asks first for the bytes after those the hub already has,
 * and the ciphertext is regenerated from the start (tus-js-client's own
 * stream source cannot skip). Keeps the bytes from the last slice's start
 * on, so a retried chunk can be read again; at most about one slice.
 */
export interface SliceSource {
  size: number;
  slice(start: number, end: number): Promise<{ value: Uint8Array; done: boolean }>;
  close(): void;
  /** Read what is left to the end, keeping none of it (the hash needs every byte). */
  drain(): Promise<void>;
}

export function forwardOnlySource(bytes: AsyncIterable<Uint8Array>, size: number): SliceSource {
  const iterator = bytes[Symbol.asyncIterator]();
  /** Stream position of the first byte held. */
  let position = 0;
  const held: Uint8Array[] = [];
  let heldBytes = 0;

  async function readMore(): Promise<boolean> {
    const next = await iterator.next();
    if (next.done) return false;
    held.push(next.value);
    heldBytes += next.value.byteLength;
    return true;
  }

  function drop(count: number): void {
    while (count > 0 && held.length > 0) {
      const first = held[0]!;
      if (first.byteLength <= count) {
        held.shift();
        heldBytes -= first.byteLength;
        position += first.byteLength;
        count -= first.byteLength;
      } else {
        held[0] = first.subarray(count);
        heldBytes -= count;
        position += count;
        count = 0;
      }
    }
  }

  return {
    size,
    async slice(start, end) {
      if (start < position) throw new Error("an upload source cannot go back before its last slice");
      for (;;) {
        drop(Math.min(start - position, heldBytes));
        if (position === start || !(await readMore())) break;
      }
      while (position + heldBytes < end && (await readMore()));
      const length = Math.max(0, Math.min(end, position + heldBytes) - start);
      const value = new Uint8Array(length);
      let at = 0;
      for (const piece of held) {
        if (at >= length) break;
        const take = Math.min(piece.byteLength, length - at);
        value.set(piece.subarray(0, take), at);
        at += take;
      }
      // done: false, always: the size is known, and tus-js-client's check of `done` reads a Blob's size.
      return { value, done: false };
    },
    close() {
      void iterator.return?.();
    },
    async drain() {
      held.length = 0;
      heldBytes = 0;
      while (!(await iterator.next()).done);
    },
  };
}
