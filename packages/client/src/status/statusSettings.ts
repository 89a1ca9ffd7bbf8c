/**
 * The person's status settings, in the profile's store (SPEC RS6, EP8):
 * read receipts on by default, presence off by default.
 */
import type { LocalStore } from "../store/port.js";

const READ_RECEIPTS = "status.readReceipts";
const PRESENCE = "status.presence";

export async function readReceiptsOn(store: LocalStore): Promise<boolean> {
  return (await store.getMeta(READ_RECEIPTS)) !== "off";
}

export async function presenceOn(store: LocalStore): Promise<boolean> {
  return (await store.getMeta(PRESENCE)) === "on";
}

export function setReadReceipts(store: LocalStore, on: boolean): Promise<void> {
  return store.write([{ kind: "setMeta", key: READ_RECEIPTS, value: on ? "on" : "off" }]);
}

export function setPresence(store: LocalStore, on: boolean): Promise<void> {
  return store.write([{ kind: "setMeta", key: PRESENCE, value: on ? "on" : "off" }]);
}
