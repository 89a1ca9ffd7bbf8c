/**
 * Two hub nodes on one PostgreSQL (Store and BlobStore): an upload begun on
 * one node resumes on the other, and either serves it (SPEC MD1, MD2, MD4).
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/index.js";
import { openPostgresBlobStore } from "../../src/media/postgresBlobStore.js";
import { POSTGRES_URL, dropSchema, postgresAvailable } from "./postgresHarness.js";
import { startMediaHub, uploadToken, type MediaHub } from "./support.js";
import { tusUpload } from "./tusClient.js";

describe.skipIf(!postgresAvailable)("media on a cluster (PostgreSQL)", () => {
  const schema = `sb_test_${randomBytes(6).toString("hex")}`;
  const hubs: MediaHub[] = [];
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.close();
    await dropSchema(schema);
  });

  async function node(): Promise<MediaHub> {
    const options = { url: POSTGRES_URL, schema, poolSize: 2 };
    const store = await openPostgresStore(options);
    const hub = await startMediaHub(await openPostgresBlobStore(options), {}, store);
    hubs.push(hub);
    return hub;
  }

  it("[MD2][MD4] an upload killed halfway on one node resumes on another with the same token; both serve it", async () => {
    const one = await node();
    const two = await node();
    const alice = await one.register("alice");
    const { token } = await uploadToken(alice);
    const data = randomBytes(3 * 256 * 1024 + 1000);
    const first = await tusUpload(one.hub.url, data, token, {
      stopAt: data.byteLength / 2,
      chunkSize: 200_000,
    });
    expect(first.stopped).toBe(true);
    const resumedUrl = first.url.replace(one.hub.url, two.hub.url);
    const accepted: number[] = [];
    await tusUpload(two.hub.url, data, token, { uploadUrl: resumedUrl, onChunk: (n) => accepted.push(n) });
    expect(accepted[0]).toBeGreaterThan(data.byteLength / 2);
    for (const hub of [one, two]) {
      const got = await fetch(`${hub.hub.url}/blobs/${first.id}`);
      expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    }
  });
});
