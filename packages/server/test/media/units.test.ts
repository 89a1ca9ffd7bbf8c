/** The pure parts of media: Range parsing (SPEC MD5) and upload tokens (SPEC MD4). */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseRange } from "../../src/media/range.js";
import { createUploadTokens, uploadTokenKey } from "../../src/media/uploadToken.js";

describe("parseRange", () => {
  it("[MD5] reads one byte range, a suffix, or an open end; clamps to the size", () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=0-9", 100)).toEqual({ kind: "partial", start: 0, end: 10 });
    expect(parseRange("bytes=90-", 100)).toEqual({ kind: "partial", start: 90, end: 100 });
    expect(parseRange("bytes=90-500", 100)).toEqual({ kind: "partial", start: 90, end: 100 });
    expect(parseRange("bytes=-10", 100)).toEqual({ kind: "partial", start: 90, end: 100 });
    expect(parseRange("bytes=-500", 100)).toEqual({ kind: "partial", start: 0, end: 100 });
  });

  it("[MD5] a range past the end is unsatisfiable; malformed or multiple ranges get the whole blob", () => {
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual({ kind: "whole" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=9-3", 100)).toEqual({ kind: "whole" });
  });
});

describe("upload tokens", () => {
  const claims = {
    account: "alice@instagram",
    deviceId: "d1",
    maxBytes: 1000,
    lifetimeMs: 60_000,
    expiresAt: 5000,
  };

  it("[MD4] a token verifies to its claims until it expires, on any node with the same hub key", () => {
    const hubKey = randomBytes(32);
    const token = createUploadTokens(uploadTokenKey(hubKey)).issue(claims);
    const otherNode = createUploadTokens(uploadTokenKey(hubKey));
    expect(otherNode.verify(token, 4999)).toEqual(claims);
    expect(otherNode.verify(token, 5000)).toBeUndefined();
  });

  it("[MD4] a token from another key, or with any claim changed, is refused", () => {
    const tokens = createUploadTokens(uploadTokenKey(randomBytes(32)));
    const token = tokens.issue(claims);
    expect(createUploadTokens(uploadTokenKey(randomBytes(32))).verify(token, 0)).toBeUndefined();
    const [, tag] = token.split(".");
    const bigger = Buffer.from(JSON.stringify(["alice@instagram", "d1", 10 ** 9, 60_000, 5000])).toString(
      "base64url",
    );
    expect(tokens.verify(`${bigger}.${tag}`, 0)).toBeUndefined();
    expect(tokens.verify("garbage", 0)).toBeUndefined();
    expect(tokens.verify(`${token}.x`, 0)).toBeUndefined();
  });
});
