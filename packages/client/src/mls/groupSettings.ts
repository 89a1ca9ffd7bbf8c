/**
 * The group settings GroupContext extension (SPEC GR1) as the engine handles
 * it: reading it from a state, writing a changed one into a
 * GroupContextExtensions proposal, and the admin rule (GR2) applied to a
 * commit's proposals, on the committing side and on the receiving side.
 */
import {
  GROUP_SETTINGS_EXTENSION_TYPE,
  decodeGroupSettings,
  encodeGroupSettings,
  equalBytes,
  mayManage,
  type GroupSettingsValue,
} from "@switchboard/protocol";
import type { Extension } from "ts-mls";
import { extensionTypeToNumber } from "./tsMlsInternals.js";
import { MlsEngineError } from "./errors.js";

export function settingsExtension(settings: GroupSettingsValue): Extension {
  return { extensionType: GROUP_SETTINGS_EXTENSION_TYPE, extensionData: encodeGroupSettings(settings) };
}

function isSettings(extension: Extension): boolean {
  return extensionTypeToNumber(extension.extensionType) === GROUP_SETTINGS_EXTENSION_TYPE;
}

/** The group's settings, or undefined for a group made before GR1 (every member manages it). */
export function settingsIn(extensions: readonly Extension[]): GroupSettingsValue | undefined {
  const found = extensions.find(isSettings);
  if (found === undefined) return undefined;
  const settings = decodeGroupSettings(found.extensionData);
  if (settings === undefined)
    throw new MlsEngineError("MLS_INVALID_MESSAGE", "the group settings extension is malformed");
  return settings;
}

/** The GroupContext extensions with the settings replaced (or added); every other extension kept. */
export function withSettings(extensions: readonly Extension[], settings: GroupSettingsValue): Extension[] {
  return [...extensions.filter((e) => !isSettings(e)), settingsExtension(settings)];
}

/**
 * [GR2] What a new GroupContext may change: the external senders (the hub)
 * stay exactly as they were (DIR7), and settings that existed are not
 * dropped and are well-formed. Other extensions (the disappearing timer)
 * may change, by an admin.
 */
export function requireAllowedContext(before: readonly Extension[], after: readonly Extension[]): void {
  const senders = (list: readonly Extension[]) =>
    list.filter((e) => e.extensionType === "external_senders").map((e) => e.extensionData);
  const a = senders(before);
  const b = senders(after);
  if (a.length !== b.length || a.some((bytes, i) => !equalBytes(bytes, b[i]!)))
    throw new MlsEngineError("MLS_UNSUPPORTED", "a commit may not change the group's external senders");
  const hadSettings = before.some(isSettings);
  if (hadSettings && !after.some(isSettings))
    throw new MlsEngineError("MLS_UNSUPPORTED", "a commit may not drop the group's settings");
  settingsIn(after);
}

/**
 * [GR2] Refuse a commit by `address` that manages the group (adds or removes
 * inline another account's devices, or changes the GroupContext) when the
 * settings keep that to admins. A member's own account's devices are its
 * own business (a newly linked device is added by its account).
 */
export function requireMayManage(
  settings: GroupSettingsValue | undefined,
  address: string,
  change: { adds: readonly string[]; removes: readonly string[]; changesContext: boolean },
): void {
  const others = (accounts: readonly string[]) => accounts.some((a) => a !== address);
  if (!others(change.adds) && !others(change.removes) && !change.changesContext) return;
  if (mayManage(settings, address)) return;
  throw new MlsEngineError("MLS_NOT_ADMIN", `${address} is not an admin of the group`);
}
