/**
 * The database file holds the device's private keys, so only its owner may
 * read it. We create it 0600 before SQLite opens it (SQLite then gives its
 * -wal and -shm files the same mode) and narrow an existing one that is wider.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

const OWNER_ONLY = 0o600;
const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

export function prepareOwnerOnlyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", OWNER_ONLY));
  for (const suffix of SIDE_FILES) {
    try {
      chmodSync(path + suffix, OWNER_ONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}
