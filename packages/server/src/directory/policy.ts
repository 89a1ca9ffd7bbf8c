/**
 * Cross-app reach: a policy of the RECEIVING app (DESIGN: security stance).
 * Users of the same app always reach each other. `requests` is accepted in
 * configuration and, until message requests land, behaves like `open`.
 */
import type { AppConfig } from "../config/apps.js";

export function mayReach(fromApp: string, to: AppConfig): boolean {
  if (fromApp === to.id) return true;
  return to.reach !== "closed";
}
