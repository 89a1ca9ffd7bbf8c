/**
 * The one place the web client meets the SDK: a browser client per app (its
 * own IndexedDB profile, so one browser can be on all three apps at once),
 * talking to the hub that served the page.
 */
import { openBrowserClient, type ClientError, type SwitchboardClient } from "@switchboard/client/browser";

export type BrowserClient = SwitchboardClient;

export function hubUrl(): string {
  return location.origin;
}

/** The app's profile; PROFILE_IN_USE while another tab has it, unless `takeOver`. */
export function openClient(
  appId: string,
  options: { takeOver: boolean; onTakenOver: (error: ClientError) => void },
): Promise<BrowserClient> {
  return openBrowserClient({ profile: appId, takeOver: options.takeOver, onTakenOver: options.onTakenOver });
}
