/**
 * The subset of CBOR extended diagnostic notation (RFC 8610 App. G) that the
 * MIMI draft's examples use, so tests can check our decoding against the
 * draft's own annotated text: arrays, maps, null/true/false, integers,
 * "text", h'hex' and 'text as bytes' (joined by +), `#` and `/.../` comments.
 */
export function parseEdn(text: string): unknown {
  let at = 0;
  const utf8 = new TextEncoder();

  const skip = () => {
    for (;;) {
      while (at < text.length && /[\s,]/.test(text[at]!)) at++;
      if (text[at] === "#") while (at < text.length && text[at] !== "\n") at++;
      else if (text[at] === "/") at = text.indexOf("/", at + 1) + 1;
      else return;
    }
  };
  const expect = (c: string) => {
    skip();
    if (text[at] !== c) throw new Error(`EDN: expected ${c} at ${at}, found ${text.slice(at, at + 20)}`);
    at++;
  };
  const quoted = (quote: string): string => {
    let out = "";
    at++;
    while (text[at] !== quote) {
      if (text[at] === "\\") {
        const next = text[++at]!;
        out += next === "n" ? "\n" : next;
      } else out += text[at];
      at++;
    }
    at++;
    return out;
  };
  const byteString = (): Uint8Array => {
    const parts: Uint8Array[] = [];
    for (;;) {
      skip();
      if (text.startsWith("h'", at)) {
        // Hex may span lines, with `#` comments between its digits.
        let hex = "";
        for (at += 2; text[at] !== "'"; at++) {
          if (text[at] === "#") while (text[at + 1] !== "\n") at++;
          else if (/[0-9a-fA-F]/.test(text[at]!)) hex += text[at];
        }
        at++;
        parts.push(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
      } else parts.push(utf8.encode(quoted("'")));
      skip();
      if (text[at] !== "+") break;
      at++;
    }
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      joined.set(p, offset);
      offset += p.length;
    }
    return joined;
  };
  const value = (): unknown => {
    skip();
    const c = text[at];
    if (c === "[") {
      at++;
      const items: unknown[] = [];
      for (skip(); text[at] !== "]"; skip()) items.push(value());
      at++;
      return items;
    }
    if (c === "{") {
      at++;
      const map = new Map<unknown, unknown>();
      for (skip(); text[at] !== "}"; skip()) {
        const key = value();
        expect(":");
        map.set(key, value());
      }
      at++;
      return map;
    }
    if (c === '"') return quoted('"');
    if (c === "'" || text.startsWith("h'", at)) return byteString();
    for (const [word, v] of [
      ["null", null],
      ["true", true],
      ["false", false],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    const number = /^-?\d+/.exec(text.slice(at));
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    throw new Error(`EDN: unexpected ${text.slice(at, at + 20)}`);
  };
  const result = value();
  skip();
  if (at < text.length) throw new Error(`EDN: trailing text at ${at}`);
  return result;
}

/** The message id a vector's leading comment states ("# message ID = h'..' h'..'"), if any. */
export function statedMessageId(text: string): string | undefined {
  const match = /message ID = h'([0-9a-f\s#]+?)'/i.exec(text);
  return match?.[1]?.replace(/#/g, "").replace(/\s+/g, "");
}
