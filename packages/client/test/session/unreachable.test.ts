/**
 * [CL2] A one-shot caller (the CLI) gives up on a hub that cannot be reached
 * after the client's connectTimeoutMs, with HUB_UNREACHABLE naming the hub
 * and the last failure, while a caller without one waits through the backoff.
 * Fake timers: no real time passes.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ClientError } from "../../src/errors.js";
import { Link, type LinkOptions } from "../../src/session/link.js";
import type { Transport } from "../../src/transport/port.js";

/** A hub that is not there: every connection attempt is refused. */
function refusing(): Transport & { attempts: number } {
  const transport = {
    attempts: 0,
    connect: () => {
      transport.attempts++;
      return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9"));
    },
  };
  return transport;
}

function link(transport: Transport, extra: Partial<LinkOptions>): Link {
  return new Link({
    transports: [transport],
    servers: ["http://127.0.0.1:9"],
    deviceId: "d1",
    privateKey: new Uint8Array(32),
    onPush: () => {},
    onConnected: async () => {},
    random: () => 0.5,
    ...extra,
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("[CL2] a hub that cannot be reached", () => {
  it("fails a waiting caller with HUB_UNREACHABLE at the URL once giveUpAfterMs has passed", async () => {
    vi.useFakeTimers();
    const transport = refusing();
    const l = link(transport, { giveUpAfterMs: 5_000 });
    let settled = false;
    const outcome = l.connect().then(
      () => undefined,
      (err: unknown) => err,
    );
    void outcome.finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe("HUB_UNREACHABLE");
    expect((error as ClientError).message).toMatch(
      /^hub unreachable at http:\/\/127\.0\.0\.1:9 \(connect ECONNREFUSED/,
    );
    expect(transport.attempts).toBeGreaterThan(1);
    l.stop();
  });

  it("without giveUpAfterMs a caller keeps waiting through the retries", async () => {
    vi.useFakeTimers();
    const transport = refusing();
    const l = link(transport, {});
    let settled = false;
    l.connect().then(
      () => (settled = true),
      () => (settled = true),
    );
    await vi.advanceTimersByTimeAsync(120_000);
    expect(settled).toBe(false);
    expect(transport.attempts).toBeGreaterThan(3);
    l.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
  });
});
