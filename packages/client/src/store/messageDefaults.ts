/** The fields a message has before anyone replied with, edited, deleted or timed it (SPEC CT3). */
import type { LocalMessage } from "./port.js";

export const UNCHANGED_MESSAGE: Pick<
  LocalMessage,
  "replyTo" | "editCount" | "editedAt" | "deleted" | "expiresAt"
> = Object.freeze({ replyTo: null, editCount: 0, editedAt: null, deleted: false, expiresAt: null });
