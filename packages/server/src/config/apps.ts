/**
 * Apps (providers) are configuration: each is a standalone chat app whose
 * users are reached by one identity kind, with its own policy for contact
 * from other apps' users.
 */
import { DEFAULT_MAX_DEVICES, type IdentityKind } from "@switchboard/protocol";

/** May users of other apps reach this app's users? `requests` will hold first contact for approval. */
export type ReachPolicy = "open" | "requests" | "closed";

export const VERIFICATION_MODES = ["none", "log", "webhook"] as const;
export type VerificationMode = (typeof VERIFICATION_MODES)[number];

export interface AppConfig {
  id: string;
  displayName: string;
  /** Brand colour for clients, "#rrggbb". */
  brandColor: string;
  identity: IdentityKind;
  reach: ReachPolicy;
  /**
   * How registration proves the handle (SPEC DIR9): "none" (no code), "log"
   * (codes written to the hub's log: development) or "webhook" (the hub POSTs
   * each code to `verificationWebhook`, which sends the SMS or email).
   */
  verification: VerificationMode;
  /** The app's code-delivery URL; required for "webhook". */
  verificationWebhook?: string;
  /** Most active devices per account (config files may leave it out: DEFAULT_MAX_DEVICES). */
  maxDevices: number;
}

export const DEMO_APPS: readonly AppConfig[] = [
  {
    id: "messenger",
    displayName: "Messenger",
    brandColor: "#0866ff",
    identity: "email",
    reach: "open",
    verification: "none",
    maxDevices: DEFAULT_MAX_DEVICES,
  },
  {
    id: "instagram",
    displayName: "Instagram",
    brandColor: "#e1306c",
    identity: "username",
    reach: "open",
    verification: "none",
    maxDevices: DEFAULT_MAX_DEVICES,
  },
  {
    id: "whatsapp",
    displayName: "WhatsApp",
    brandColor: "#25d366",
    identity: "phone",
    reach: "open",
    verification: "none",
    maxDevices: DEFAULT_MAX_DEVICES,
  },
];
