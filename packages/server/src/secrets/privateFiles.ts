/**
 * Files only the hub's own user may read (issue 14, item 11): the hub's key
 * file, the SQLite database and its -wal and -shm files, and the directory
 * they live in. Refusals are one line naming the file and the fix, as ssh's.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

/** Permission bits that let the group or others in. */
const GROUP_OR_OTHERS = 0o077;

export class InsecureFileError extends Error {
  override name = "InsecureFileError";
}

/** The permission bits of a path, as an octal string ("0644"). */
function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, "0");
}

/** Create `dir` (and its parents) as 0700 when missing; an existing directory is left as it is. */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Refuse a secret file the group or others may read or write, as ssh does
 * with a private key: the operator fixes the mode, the hub does not guess.
 */
export function requirePrivateFile(path: string, what: string): void {
  const stat = statSync(path);
  if (!stat.isFile()) throw new InsecureFileError(`${what} ${path} is not a regular file`);
  if ((stat.mode & GROUP_OR_OTHERS) !== 0)
    throw new InsecureFileError(
      `${what} ${path} is accessible by group or others (mode ${modeOf(path)}); run: chmod 600 ${path}`,
    );
}

/**
 * Write a new file only its owner may read, atomically: written in full to a
 * temporary name (0600 from its creation, never wider), then linked to
 * `path`. Answers false, writing nothing, when `path` already exists (another
 * process got there first: read that one).
 */
export function createPrivateFile(path: string, data: string): boolean {
  ensurePrivateDir(dirname(path));
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * A SQLite database at `path`, created empty as 0600 when missing (SQLite
 * creates -wal and -shm with the database's own permissions), and an
 * existing one's files narrowed to 0600 when they are wider.
 */
export function preparePrivateDatabase(path: string): void {
  ensurePrivateDir(dirname(path));
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file) && (statSync(file).mode & GROUP_OR_OTHERS) !== 0) chmodSync(file, 0o600);
  }
}
