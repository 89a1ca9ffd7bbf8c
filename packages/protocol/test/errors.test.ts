/** The fixed list of wire error codes and the error class that carries them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ProtocolError, isErrorCode } from "../src/index.js";

describe("isErrorCode", () => {
  it.each(ERROR_CODES)("knows %s", (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each(["", "OK", "bad_frame", "BAD_FRAME ", "toString", "constructor", "__proto__", "hasOwnProperty"])(
    "refuses %j",
    (value) => {
      expect(isErrorCode(value)).toBe(false);
    },
  );

  it("is true exactly for the listed codes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...ERROR_CODES)), (value) => {
        expect(isErrorCode(value)).toBe((ERROR_CODES as readonly string[]).includes(value));
      }),
    );
  });

  it("lists each code once", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe("ProtocolError", () => {
  it("carries its code and message, with empty details and no cause by default", () => {
    const error = new ProtocolError("NOT_FOUND", "no such account");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.name).toBe("ProtocolError");
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("no such account");
    expect(error.details).toEqual({});
    expect("cause" in error).toBe(false);
    expect(error.stack).toContain("no such account");
  });

  it("carries details for the codes that have them", () => {
    const conflict = new ProtocolError("EPOCH_CONFLICT", "stale commit", { currentEpoch: 7 });
    expect(conflict.details).toEqual({ currentEpoch: 7 });
    const exists = new ProtocolError("ALREADY_EXISTS", "direct conversation exists", {
      existingId: "ab".repeat(16),
    });
    expect(exists.details.existingId).toBe("ab".repeat(16));
  });

  it("carries its cause", () => {
    const cause = new Error("disk full");
    const error = new ProtocolError("UNAVAILABLE", "storage down", {}, { cause });
    expect(error.cause).toBe(cause);
    expect(error.code).toBe("UNAVAILABLE");
  });

  it("survives being thrown and caught as its code", () => {
    const thrown = (() => {
      try {
        throw new ProtocolError("RATE_LIMITED", "slow down");
      } catch (err) {
        return err;
      }
    })();
    expect(thrown instanceof ProtocolError && thrown.code).toBe("RATE_LIMITED");
  });
});
