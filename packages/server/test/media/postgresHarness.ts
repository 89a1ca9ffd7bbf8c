/**
 * PostgreSQL BlobStores for tests, each in a fresh schema dropped at cleanup
 * (as test/store/postgres.test.ts does). Set SWITCHBOARD_TEST_POSTGRES_URL to
 * use another server than the local one.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { BlobStore } from "../../src/media/blobStore.js";
import { openPostgresBlobStore } from "../../src/media/postgresBlobStore.js";
import { serviceAvailable } from "../support/services.js";
import type { BlobStoreHarness } from "./contract/blobStore.js";

export const POSTGRES_URL =
  process.env["SWITCHBOARD_TEST_POSTGRES_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export const postgresAvailable = await serviceAvailable(`PostgreSQL at ${POSTGRES_URL}`, async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
});

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function openPostgresHarness(): Promise<BlobStoreHarness> {
  const schema = `sb_test_${randomBytes(6).toString("hex")}`;
  const options = { url: POSTGRES_URL, schema, poolSize: 2 };
  const opened: BlobStore[] = [await openPostgresBlobStore(options)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = await openPostgresBlobStore(options);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of opened) await store.close().catch(() => {});
      await dropSchema(schema);
    },
  };
}
