/**
 * Attachments over HTTP through a real hub (SPEC MD4-MD6, MD8, MD9): tus
 * uploads with tus-js-client, downloads by capability URL with Range, the
 * typed errors, and what the hub's files hold.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as tus from "tus-js-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openFsBlobStore } from "../../src/media/fsBlobStore.js";
import type { SweepTimers } from "../../src/media/mediaService.js";
import type { MediaSettings } from "../../src/media/settings.js";
import { call, startMediaHub, uploadToken, type MediaHub } from "./support.js";
import { tusUpload } from "./tusClient.js";

describe("media over HTTP", () => {
  let dir: string;
  let hub: MediaHub;

  async function start(settings: Partial<MediaSettings> = {}, timers?: SweepTimers): Promise<void> {
    hub = await startMediaHub(await openFsBlobStore(join(dir, "blobs")), settings, undefined, timers);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sb-media-"));
  });
  afterEach(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("[MD4][MD5] an upload killed halfway resumes where the hub's bytes end, completes, and downloads by Range", async () => {
    await start();
    const alice = await hub.register("alice");
    const { token } = await uploadToken(alice);
    const data = randomBytes(1024 * 1024 + 123);
    const first = await tusUpload(hub.hub.url, data, token, { stopAt: data.byteLength / 2 });
    expect(first.stopped).toBe(true);
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    const head = await fetch(first.url, {
      method: "HEAD",
      headers: { "Tus-Resumable": "1.0.0", Authorization: `Bearer ${token}` },
    });
    const stored = Number(head.headers.get("upload-offset"));
    expect(stored).toBeGreaterThanOrEqual(data.byteLength / 2);
    expect(stored).toBeLessThan(data.byteLength);
    // Not downloadable while incomplete.
    expect((await fetch(`${hub.hub.url}/blobs/${first.id}`)).status).toBe(404);

    const accepted: number[] = [];
    const second = await tusUpload(hub.hub.url, data, token, {
      uploadUrl: first.url,
      onChunk: (n) => accepted.push(n),
    });
    expect(second.id).toBe(first.id);
    // Resumed: the first chunk it sent ended past what was already stored.
    expect(accepted[0]).toBeGreaterThan(stored);

    const whole = await fetch(`${hub.hub.url}/blobs/${first.id}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);

    const part = await fetch(`${hub.hub.url}/blobs/${first.id}`, { headers: { Range: "bytes=1000-200999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-200999/${data.byteLength}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(1000, 201_000))).toBe(true);

    const tail = await fetch(`${hub.hub.url}/blobs/${first.id}`, { headers: { Range: "bytes=-10" } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(-10))).toBe(true);

    const beyond = await fetch(`${hub.hub.url}/blobs/${first.id}`, {
      headers: { Range: `bytes=${data.byteLength}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${data.byteLength}`);
    expect((await fetch(`${hub.hub.url}/blobs/${"0".repeat(32)}`)).status).toBe(404);
  });

  it("[MD4] uploads need a genuine, unexpired upload token; resuming needs the owner's; no other origin may read", async () => {
    await start();
    const alice = await hub.register("alice");
    const bob = await hub.register("bob");
    const post = (authorization?: string) =>
      fetch(`${hub.hub.url}/uploads/`, {
        method: "POST",
        headers: {
          "Tus-Resumable": "1.0.0",
          "Upload-Length": "10",
          ...(authorization ? { Authorization: authorization } : {}),
        },
      });
    expect((await post()).status).toBe(401);
    const preflight = await fetch(`${hub.hub.url}/uploads/`, {
      method: "OPTIONS",
      headers: { Origin: "https://elsewhere.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const { token } = await uploadToken(alice);
    const forged = `${token.split(".")[0]}.${Buffer.alloc(32).toString("base64url")}`;
    const refused = await post(`Bearer ${forged}`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: "UNAUTHENTICATED" });

    const created = await post(`Bearer ${token}`);
    expect(created.status).toBe(201);
    const location = new URL(created.headers.get("location")!, `${hub.hub.url}/uploads/`).toString();
    const bobs = (await uploadToken(bob)).token;
    const patch = (bearer: string) =>
      fetch(location, {
        method: "PATCH",
        headers: {
          "Tus-Resumable": "1.0.0",
          "Upload-Offset": "0",
          "Content-Type": "application/offset+octet-stream",
          Authorization: `Bearer ${bearer}`,
        },
        body: Buffer.from("0123456789"),
      });
    expect((await patch(bobs)).status).toBe(404);
    hub.clock.now += 11 * 60 * 1000;
    expect((await patch(token)).status).toBe(401);
    expect((await patch((await uploadToken(alice)).token)).status).toBe(204);
  });

  it("[MD6] a file over its app's limit and an account over its quota get typed 413s", async () => {
    await start({ maxFileBytes: 1000, maxFileBytesByApp: { instagram: 5000 }, accountQuotaBytes: 8000 });
    const alice = await hub.register("alice");
    const issued = await uploadToken(alice);
    expect(issued.maxFileBytes).toBe(5000);
    expect(issued.quotaRemaining).toBe(8000);
    const tooLarge = await tusUpload(hub.hub.url, randomBytes(5001), issued.token).catch(
      (e: tus.DetailedError) => e,
    );
    expect(tooLarge).toBeInstanceOf(Error);
    const response = (tooLarge as tus.DetailedError).originalResponse!;
    expect(response.getStatus()).toBe(413);
    expect(JSON.parse(response.getBody())).toMatchObject({ error: "FILE_TOO_LARGE" });

    await tusUpload(hub.hub.url, randomBytes(5000), issued.token);
    expect((await uploadToken(alice)).quotaRemaining).toBe(3000);
    const over = await tusUpload(hub.hub.url, randomBytes(3001), issued.token).catch(
      (e: tus.DetailedError) => e,
    );
    const overResponse = (over as tus.DetailedError).originalResponse!;
    expect(overResponse.getStatus()).toBe(413);
    expect(JSON.parse(overResponse.getBody())).toMatchObject({ error: "QUOTA_EXCEEDED" });
    await tusUpload(hub.hub.url, randomBytes(3000), issued.token);
  });

  it("[MD9] the hub's blob files hold the ciphertext the client sent, never its plaintext", async () => {
    await start();
    const alice = await hub.register("alice");
    const { token } = await uploadToken(alice);
    const pattern = Buffer.from("KNOWN-PLAINTEXT-PATTERN-0123456789");
    const plaintext = Buffer.concat(Array.from({ length: 20_000 }, () => pattern));
    const key = randomBytes(16);
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-128-gcm", key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const { id } = await tusUpload(hub.hub.url, ciphertext, token, { chunkSize: 100_000 });

    const files = await readdir(join(dir, "blobs"));
    expect(files.length).toBeGreaterThan(0);
    let stored: Buffer | undefined;
    for (const name of files) {
      const bytes = await readFile(join(dir, "blobs", name));
      expect(bytes.includes(pattern)).toBe(false);
      // The client's metadata (a filename) is not kept either.
      expect(bytes.includes(Buffer.from("secret-name"))).toBe(false);
      if (name === `${id}.bin`) stored = bytes;
    }
    expect(stored?.equals(ciphertext)).toBe(true);
  });

  it("[MD8] only the owner completes or deletes its blob; a completed blob lives to its expiry", async () => {
    await start();
    const alice = await hub.register("alice");
    const bob = await hub.register("bob");
    const { token } = await uploadToken(alice, 60_000);
    const { id } = await tusUpload(hub.hub.url, randomBytes(1000), token);
    const complete = (who: typeof alice) => call(who, { case: "completeBlob", value: { blobId: id } });
    expect(await complete(bob)).toMatchObject({ case: "error", value: { code: "NOT_FOUND" } });
    const done = await complete(alice);
    expect(done.case).toBe("completeBlob");
    // The token asked for 60 s: the blob expires then, not after 30 days.
    expect(done.case === "completeBlob" && Number(done.value.expiresAt)).toBe(hub.clock.now + 60_000);
    expect(await call(bob, { case: "deleteBlob", value: { blobId: id } })).toMatchObject({
      case: "error",
      value: { code: "NOT_FOUND" },
    });
    expect((await fetch(`${hub.hub.url}/blobs/${id}`)).status).toBe(200);
    expect((await call(alice, { case: "deleteBlob", value: { blobId: id } })).case).toBe("deleteBlob");
    expect((await fetch(`${hub.hub.url}/blobs/${id}`)).status).toBe(404);
  });

  it("[MD7] the hub's sweeper, on its timer, deletes an orphaned upload after 24 h; closing the hub stops it", async () => {
    const ticks: (() => void)[] = [];
    let cleared = 0;
    await start(
      {},
      { setInterval: (callback) => (ticks.push(callback), {}), clearInterval: () => cleared++ },
    );
    const alice = await hub.register("alice");
    const { token } = await uploadToken(alice);
    const { id } = await tusUpload(hub.hub.url, randomBytes(100), token);
    expect(ticks).toHaveLength(1);
    ticks[0]!();
    expect((await fetch(`${hub.hub.url}/blobs/${id}`)).status).toBe(200);
    hub.clock.now += 24 * 60 * 60 * 1000;
    ticks[0]!();
    await expect.poll(() => readdir(join(dir, "blobs"))).toEqual([]);
    await hub.close();
    expect(cleared).toBe(1);
  });
});
