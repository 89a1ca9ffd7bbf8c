/**
 * Our own GroupContext extensions (RFC 9420 §13.4: private-use extension
 * types 0xF000-0xFFFF). They live in the group state, so every member agrees
 * on them, and change only by a commit carrying a GroupContextExtensions
 * proposal (§12.1.7), which replaces the whole list: a change of one of ours
 * therefore copies every other extension present (the hub's external_senders,
 * other features' own) as it was.
 */
import type { Extension } from "ts-mls";
import { extensionTypeToNumber } from "./tsMlsInternals.js";
import { GROUP_SETTINGS_EXTENSION_TYPE } from "@switchboard/protocol";
import { MlsEngineError } from "./errors.js";

/** [XP1] The disappearing-message timer: uint32 seconds, big-endian (0: off). */
export const TIMER_EXTENSION = 0xff0e;

/** Every extension type of ours a device must advertise in its leaf (RFC 9420 §7.2, §12.1.7): the timer and the group settings (GR1). */
export const OWN_GROUP_EXTENSIONS: readonly number[] = [TIMER_EXTENSION, GROUP_SETTINGS_EXTENSION_TYPE];

/** A change to one of our extensions: new data, or null to take it out. */
export interface GroupExtensionChange {
  type: number;
  data: Uint8Array | null;
}

export function isOwnGroupExtension(type: number): boolean {
  return type >= 0xf000 && type <= 0xffff;
}

/** The data of extension `type` in a GroupContext, or undefined. */
export function extensionData(extensions: readonly Extension[], type: number): Uint8Array | undefined {
  const found = extensions.find(
    (e) => typeof e.extensionType === "number" && extensionTypeToNumber(e.extensionType) === type,
  );
  return found?.extensionData.slice();
}

/** The GroupContext's extensions with `changes` applied; every other one kept, in order. */
export function withExtensionChanges(
  extensions: readonly Extension[],
  changes: readonly GroupExtensionChange[],
): Extension[] {
  for (const change of changes)
    if (!isOwnGroupExtension(change.type))
      throw new MlsEngineError("MLS_INVALID_ARGUMENT", `extension ${change.type} is not a private-use one`);
  const changed = new Set(changes.map((c) => c.type));
  const kept = extensions.filter((e) => typeof e.extensionType !== "number" || !changed.has(e.extensionType));
  const added = changes.flatMap((c) =>
    c.data === null ? [] : [{ extensionType: c.type, extensionData: c.data.slice() }],
  );
  return [...kept, ...added];
}

/**
 * True when a GroupContextExtensions proposal keeps every standard extension
 * (external_senders above all: dropping it would silence the hub's removals
 * of revoked devices) byte for byte; only private-use ones may change.
 */
export function keepsStandardExtensions(before: readonly Extension[], after: readonly Extension[]): boolean {
  const standard = (list: readonly Extension[]) =>
    list.filter((e) => typeof e.extensionType !== "number" || !isOwnGroupExtension(e.extensionType));
  const a = standard(before);
  const b = standard(after);
  return (
    a.length === b.length &&
    a.every(
      (e, i) =>
        b[i]!.extensionType === e.extensionType &&
        b[i]!.extensionData.length === e.extensionData.length &&
        b[i]!.extensionData.every((byte, j) => byte === e.extensionData[j]),
    )
  );
}
