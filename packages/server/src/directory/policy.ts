/**
 * Cross-app reach: a policy of the RECEIVING app (DESIGN: security stance).
 * Users of the same app always reach each other. `requests` lets other apps
 * through; the recipient's SDK files a stranger's first conversation under
 * message requests (SPEC PP4), so the hub treats it as `open`.
 */
import { ProtocolError } from "@switchboard/protocol";
import type { AppConfig } from "../config/apps.js";

export function mayReach(fromApp: string, to: AppConfig): boolean {
  if (fromApp === to.id) return true;
  return to.reach !== "closed";
}

/**
 * [PP1] The one refusal for a closed app, wherever it is met (lookup, claim,
 * new direct conversation, add). It names the app, not the account: whether
 * an app is closed is its public configuration, so saying so tells nothing
 * about who is registered on it.
 */
export function closedAppError(to: AppConfig): ProtocolError {
  return new ProtocolError("POLICY_DENIED", `${to.displayName} does not accept messages from other apps`);
}
