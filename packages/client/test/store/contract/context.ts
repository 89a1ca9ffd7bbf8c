/** What each part of the LocalStore contract suite gets from the harness (contract.ts). */
import { expect } from "vitest";
import { LocalStoreError, type LocalStoreErrorCode } from "../../../src/store/errors.js";
import type { LocalStore } from "../../../src/store/port.js";

export interface OpenedLocalStore {
  store: LocalStore;
  /** Persistent adapters: open the same data again (the test closes `store` first). */
  reopen?: () => Promise<LocalStore>;
  /** Close whatever is still open and remove what the adapter left behind. */
  cleanup: () => Promise<void>;
}

export interface ContractContext {
  /** The store opened for the current test. */
  store(): LocalStore;
  /** How to reopen it, when the adapter is persistent. */
  reopen(): (() => Promise<LocalStore>) | undefined;
}

/** Assert that `promise` rejects with a LocalStoreError carrying `code`. */
export async function expectStoreError(promise: Promise<unknown>, code: LocalStoreErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(LocalStoreError);
  expect((error as LocalStoreError).code).toBe(code);
}
