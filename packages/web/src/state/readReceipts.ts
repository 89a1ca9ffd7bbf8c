/**
 * Read receipts (SPEC RS2, WB10): a chat that is open and visible is read.
 * One markRead runs at a time; what arrives meanwhile folds into one more,
 * a moment later, so a busy chat sends one report per second or so, not one
 * per message (WB26). A hidden tab reads nothing until it is shown again.
 */
import type { BrowserClient } from "../sdk.js";

/**
 * Between two reports while messages keep arriving (WB26): each reads the
 * chat's messages and receipts and sends an MLS message; back to back, they
 * took most of the page's time in a busy chat (bench/README.md, 2026-12-07
 * morning).
 */
const READ_GAP_MS = 1000;

let running: Promise<void> | undefined;
let again: string | undefined;

export function readIfVisible(client: BrowserClient, conversationId: string): void {
  if (document.visibilityState !== "visible") return;
  if (running) {
    again = conversationId;
    return;
  }
  running = (async () => {
    let id: string | undefined = conversationId;
    try {
      while (id) {
        again = undefined;
        await client.status.markRead(id).catch(() => undefined);
        if (again) await new Promise((resolve) => setTimeout(resolve, READ_GAP_MS));
        id = again;
      }
    } finally {
      running = undefined;
    }
  })();
}
