/** The BlobStore contract on the filesystem adapter, and what only files have: their modes. */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openFsBlobStore } from "../../src/media/fsBlobStore.js";
import { blob, describeBlobStoreContract, pieces } from "./contract/blobStore.js";
import { openFsHarness } from "./fsHarness.js";

describeBlobStoreContract("filesystem", openFsHarness);

describe("filesystem BlobStore", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("[MD10] keeps blobs in a 0700 directory, in files only the hub's user can read (0600)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-blobs-"));
    dirs.push(dir);
    const root = join(dir, "blobs");
    const store = await openFsBlobStore(root);
    const b = blob({ size: 3 });
    await store.create(b);
    await store.append(b.id, 0, pieces(Buffer.from("abc")));
    await store.markSent(b.id, 1, 2);
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, `${b.id}.bin`))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, `${b.id}.json`))).mode & 0o777).toBe(0o600);
  });
});
