/**
 * One active tab per browser profile, on Web Locks (navigator.locks). Two
 * tabs applying MLS steps to the same group states would race (one's write
 * lost, or a ratchet generation reused), as two processes would on one
 * profile directory (profileLock.ts does that for Node). A second tab is told
 * PROFILE_IN_USE; it may take the profile over (`takeOver`, a Web Locks
 * steal), and then the first tab's lock reports `lost`.
 */
import { ClientError } from "../errors.js";

export interface BrowserProfileLock {
  /** Resolves (with a PROFILE_TAKEN_OVER error) if another tab takes the profile over. */
  readonly lost: Promise<ClientError>;
  /** Let the profile go (idempotent); resolves once another opener can have it. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Take the profile from the tab that holds it, instead of failing with PROFILE_IN_USE. */
  takeOver?: boolean;
  /** Defaults to navigator.locks. */
  locks?: LockManager;
}

export function profileLockName(profile: string): string {
  return `switchboard/profile/${profile}`;
}

export async function lockBrowserProfile(
  profile: string,
  options: LockOptions = {},
): Promise<BrowserProfileLock> {
  const locks = options.locks ?? globalThis.navigator?.locks;
  if (locks === undefined)
    throw new ClientError("PROFILE_IN_USE", "this browser has no Web Locks: cannot lock the profile");
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let reportLost!: (error: ClientError) => void;
  const lost = new Promise<ClientError>((resolve) => (reportLost = resolve));

  let settled: Promise<unknown> = Promise.resolve();
  const granted = await new Promise<boolean>((resolve, reject) => {
    const request = locks.request(
      profileLockName(profile),
      options.takeOver === true ? { steal: true } : { ifAvailable: true },
      (lock) => {
        resolve(lock !== null);
        // Held until release(); nothing to hold when it was not granted.
        return lock === null ? undefined : held;
      },
    );
    settled = request.catch(() => undefined);
    request.then(
      () => undefined,
      (err: unknown) => {
        // A steal breaks our lock: the request rejects with AbortError.
        if (err instanceof DOMException && err.name === "AbortError") {
          reportLost(
            new ClientError("PROFILE_TAKEN_OVER", `profile ${profile} was taken over by another tab`),
          );
        } else {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      },
    );
  });
  if (!granted) {
    throw new ClientError(
      "PROFILE_IN_USE",
      `profile ${profile} is open in another tab (open it here with takeOver to move it)`,
    );
  }
  return {
    lost,
    release: async () => {
      release();
      // The lock manager lets the lock go after our callback's promise settles.
      await settled;
    },
  };
}
