/** Filesystem BlobStores for tests, each in a fresh temporary directory. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFsBlobStore } from "../../src/media/fsBlobStore.js";
import type { BlobStoreHarness } from "./contract/blobStore.js";

export async function openFsHarness(): Promise<BlobStoreHarness> {
  const dir = await mkdtemp(join(tmpdir(), "sb-blobs-"));
  const root = join(dir, "blobs");
  return {
    store: await openFsBlobStore(root),
    reopen: () => openFsBlobStore(root),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
