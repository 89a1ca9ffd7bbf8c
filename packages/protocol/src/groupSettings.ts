/**
 * A group's settings as a GroupContext extension of ours (SPEC GR1): who may
 * manage the group (its admins, or everyone). Being in the GroupContext,
 * every member and the hub read the same value for an epoch, and only a
 * commit with a GroupContextExtensions proposal changes it, so the hub can
 * enforce who manages (GR2). The title is NOT here: the hub reads
 * GroupContexts in the clear, and a title is private (GR8, DS8).
 *
 * Pure: shared by the hub (which reads it from GroupInfos and commits in the
 * clear) and the SDK (which reads it from its group state).
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { GroupSettingsSchema } from "./gen/switchboard/v1/entities_pb.js";

/**
 * Our extension type, from the MLS private-use range 0xF000-0xFFFF
 * (RFC 9420 §17.3). Every key package lists it in its capabilities, as
 * RFC 9420 §7.2 requires of a leaf joining a group that has it.
 */
export const GROUP_SETTINGS_EXTENSION_TYPE = 0xf5b0;

/** Bounds on what a group's settings may hold; a commit over them is refused. */
export const GROUP_SETTINGS_LIMITS = { maxAdmins: 256, maxTitleChars: 200 } as const; // titles: GR8

export interface GroupSettingsValue {
  /** Addresses of the admin accounts, sorted, each once. */
  admins: string[];
  everyoneManages: boolean;
}

/** Deterministic bytes: admins sorted and deduplicated, so equal settings encode equally. */
export function encodeGroupSettings(settings: GroupSettingsValue): Uint8Array {
  return toBinary(
    GroupSettingsSchema,
    create(GroupSettingsSchema, {
      admins: [...new Set(settings.admins)].sort(),
      everyoneManages: settings.everyoneManages,
    }),
  );
}

/** The settings, or undefined when the bytes are not well-formed settings within the limits. */
export function decodeGroupSettings(bytes: Uint8Array): GroupSettingsValue | undefined {
  let decoded;
  try {
    decoded = fromBinary(GroupSettingsSchema, bytes);
  } catch {
    return undefined;
  }
  const admins = [...new Set(decoded.admins)].sort();
  if (admins.length > GROUP_SETTINGS_LIMITS.maxAdmins) return undefined;
  return { admins, everyoneManages: decoded.everyoneManages };
}

/**
 * [GR2] Whether `address` may manage the group (add, remove others, rename (GR8, kept by the SDKs),
 * change any GroupContext extension, the disappearing timer included).
 * A group without settings (made before GR1) is managed by every member,
 * as it always was.
 */
export function mayManage(settings: GroupSettingsValue | undefined, address: string): boolean {
  return settings === undefined || settings.everyoneManages || settings.admins.includes(address);
}
