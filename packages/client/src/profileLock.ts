/**
 * One process per profile. Two processes applying MLS steps to the same
 * group states would race (one's write lost, or worse, a ratchet generation
 * reused), so a profile directory is locked by the process that opens it. A
 * lock left by a process that died is taken over.
 */
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ClientError } from "./errors.js";

export interface ProfileLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockProfile(profileDir: string): ProfileLock {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const path = join(profileDir, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new ClientError(
          "PROFILE_IN_USE",
          `profile ${profileDir} is in use by another switchboard process (pid ${holder})`,
        );
      }
      rmSync(path, { force: true }); // Stale: its process is gone.
    }
  }
  throw new ClientError("PROFILE_IN_USE", `could not lock profile ${profileDir}`);
}
