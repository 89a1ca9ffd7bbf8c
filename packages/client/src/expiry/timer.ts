/**
 * The disappearing-message timer's values (SPEC XP2): off, 5 min, 1 h, 1 d,
 * 7 d, 90 d, as seconds (null: off), and their 4-byte form in the group's
 * GroupContext extension (mls/groupExtensions.ts). Pure.
 */

/** The timers a person may choose, by their CLI name. */
export const TIMER_CHOICES = Object.freeze({
  off: null,
  "5m": 5 * 60,
  "1h": 60 * 60,
  "1d": 24 * 60 * 60,
  "7d": 7 * 24 * 60 * 60,
  "90d": 90 * 24 * 60 * 60,
} as const);

export type TimerName = keyof typeof TIMER_CHOICES;

/** The longest timer: also the cap on what a received extension may say. */
export const MAX_TIMER_SECONDS = 90 * 24 * 60 * 60;

const ALLOWED = new Set<number>(Object.values(TIMER_CHOICES).filter((s): s is number => s !== null));

/** True for null (off) and the five lengths; setTimer refuses anything else. */
export function isTimerChoice(seconds: number | null): boolean {
  return seconds === null || ALLOWED.has(seconds);
}

/** "5m" -> 300, "off" -> null; undefined for anything else. */
export function parseTimer(name: string): number | null | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(TIMER_CHOICES, key) ? TIMER_CHOICES[key as TimerName] : undefined;
}

/** 300 -> "5m", null -> "off"; a length not on the list in seconds ("450s"). */
export function timerName(seconds: number | null): string {
  for (const [name, value] of Object.entries(TIMER_CHOICES)) if (value === seconds) return name;
  return `${seconds}s`;
}

/** The extension's data: uint32 big-endian seconds, 0 for off. */
export function encodeTimer(seconds: number | null): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, seconds ?? 0);
  return out;
}

/**
 * The timer a group's extension says: absent or 0 is off. Malformed data or
 * a length past 90 d is read as 90 d, never as off: a member that cannot
 * read a timer keeps messages for less time, not forever.
 */
export function decodeTimer(data: Uint8Array | undefined): number | null {
  if (data === undefined) return null;
  if (data.length !== 4) return MAX_TIMER_SECONDS;
  const seconds = new DataView(data.buffer, data.byteOffset, 4).getUint32(0);
  if (seconds === 0) return null;
  return Math.min(seconds, MAX_TIMER_SECONDS);
}
