/** Registration codes over a real (in-memory SQLite) store, with an injected clock, and the webhook against a real HTTP server. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppConfig } from "../../src/config/apps.js";
import { DEFAULT_VERIFICATION_SETTINGS, VerificationCodes } from "../../src/directory/verificationCodes.js";
import {
  VerificationDeliveryError,
  webhookVerifier,
  type VerificationMessage,
} from "../../src/directory/verifier.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { Store } from "../../src/store/port.js";

const bank: AppConfig = {
  id: "bank",
  displayName: "Bank",
  brandColor: "#000000",
  identity: "phone",
  reach: "open",
  verification: "log",
  maxDevices: 2,
};
const ADDRESS = "+14155550100@bank";

describe("verification codes", () => {
  let store: Store;
  let now: number;
  let sent: VerificationMessage[];
  let codes: VerificationCodes;
  beforeEach(() => {
    store = openSqliteStore({ path: ":memory:" });
    now = 1_700_000_000_000;
    sent = [];
    codes = new VerificationCodes(
      store,
      () => now,
      DEFAULT_VERIFICATION_SETTINGS,
      () => ({
        deliver: async (m) => void sent.push(m),
      }),
    );
  });
  afterEach(() => store.close());

  const lastCode = () => sent.at(-1)!.code;
  const wrong = () => (lastCode() === "000000" ? "000001" : "000000");

  it("[DIR9] a code is six random digits, delivered with the handle and app, and works once", async () => {
    const { expiresAt } = await codes.request(ADDRESS, bank);
    expect(expiresAt).toBe(now + DEFAULT_VERIFICATION_SETTINGS.codeTtlMs);
    expect(sent[0]).toMatchObject({ address: ADDRESS, handle: "+14155550100", app: "bank" });
    expect(lastCode()).toMatch(/^\d{6}$/);
    await codes.check(ADDRESS, lastCode());
    await expect(codes.check(ADDRESS, lastCode())).rejects.toMatchObject({ code: "VERIFICATION_REQUIRED" });
  });

  it("[DIR9] a code expires", async () => {
    await codes.request(ADDRESS, bank);
    now += DEFAULT_VERIFICATION_SETTINGS.codeTtlMs;
    await expect(codes.check(ADDRESS, lastCode())).rejects.toMatchObject({ code: "VERIFICATION_REQUIRED" });
  });

  it("[DIR9] after 5 wrong guesses even the right code is refused; a new code works", async () => {
    await codes.request(ADDRESS, bank);
    const right = lastCode();
    for (let i = 0; i < DEFAULT_VERIFICATION_SETTINGS.maxAttemptsPerCode; i++)
      await expect(codes.check(ADDRESS, wrong())).rejects.toMatchObject({ code: "VERIFICATION_REQUIRED" });
    await expect(codes.check(ADDRESS, right)).rejects.toThrow(/too many/);
    await codes.request(ADDRESS, bank);
    await codes.check(ADDRESS, lastCode());
  });

  it("[DIR9] a code is for its own address only", async () => {
    await codes.request(ADDRESS, bank);
    await expect(codes.check("+14155550101@bank", lastCode())).rejects.toMatchObject({
      code: "VERIFICATION_REQUIRED",
    });
  });

  it("[DIR9] at most 3 codes per address per hour: the fourth is RATE_LIMITED until the hour has passed", async () => {
    for (let i = 0; i < 3; i++) {
      await codes.request(ADDRESS, bank);
      now += 60_000;
    }
    await expect(codes.request(ADDRESS, bank)).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(sent).toHaveLength(3);
    now += 60 * 60_000 - 2 * 60_000;
    await codes.request(ADDRESS, bank);
    expect(sent).toHaveLength(4);
  });

  it("[DIR9] an over-long code is refused before it costs a guess", async () => {
    await codes.request(ADDRESS, bank);
    await expect(codes.check(ADDRESS, "1".repeat(100))).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await codes.check(ADDRESS, lastCode());
  });
});

describe("webhook verifier", () => {
  let server: Server;
  let url: string;
  let received: { body: unknown; contentType: string | undefined }[];
  let answer: (req: IncomingMessage) => number | "hang";
  beforeEach(async () => {
    received = [];
    answer = () => 204;
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push({ body: JSON.parse(body), contentType: req.headers["content-type"] });
        const status = answer(req);
        if (status === "hang") return;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send-code`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const message: VerificationMessage = {
    address: ADDRESS,
    handle: "+14155550100",
    app: "bank",
    code: "123456",
  };

  it("[DIR9] POSTs {address, handle, app, code} as JSON to the app's URL", async () => {
    await webhookVerifier(url, { timeoutMs: 5_000 }).deliver(message);
    expect(received).toEqual([{ body: message, contentType: "application/json" }]);
  });

  it("[DIR9] a non-2xx answer is a VerificationDeliveryError", async () => {
    answer = () => 502;
    await expect(webhookVerifier(url, { timeoutMs: 5_000 }).deliver(message)).rejects.toBeInstanceOf(
      VerificationDeliveryError,
    );
  });

  it("[DIR9] a webhook that never answers times out as a VerificationDeliveryError", async () => {
    answer = () => "hang";
    await expect(webhookVerifier(url, { timeoutMs: 200 }).deliver(message)).rejects.toBeInstanceOf(
      VerificationDeliveryError,
    );
  });

  it("[DIR9] through VerificationCodes: a failed delivery is UNAVAILABLE, a delivered code works", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    try {
      const codes = new VerificationCodes(
        store,
        () => 1_000,
        DEFAULT_VERIFICATION_SETTINGS,
        () => webhookVerifier(url, { timeoutMs: 5_000 }),
      );
      answer = () => 500;
      await expect(codes.request(ADDRESS, { ...bank, verification: "webhook" })).rejects.toMatchObject({
        code: "UNAVAILABLE",
      });
      answer = () => 200;
      await codes.request(ADDRESS, { ...bank, verification: "webhook" });
      const { code } = received.at(-1)!.body as VerificationMessage;
      await codes.check(ADDRESS, code);
    } finally {
      await store.close();
    }
  });
});
