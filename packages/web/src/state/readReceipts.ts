/**
 * Read receipts (SPEC RS2, WB10): a chat that is open and visible is read.
 * One markRead runs at a time; what arrives meanwhile folds into one more,
 * so a busy chat sends one report per burst, not one per message. A hidden
 * tab reads nothing until it is shown again.
 */
import type { BrowserClient } from "../sdk.js";

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
        id = again;
      }
    } finally {
      running = undefined;
    }
  })();
}
