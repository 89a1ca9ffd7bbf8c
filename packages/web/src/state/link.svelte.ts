/**
 * Linking this browser as a new device of an existing account: ask the hub
 * for a code, show it (as text and as a QR code), and wait until a device of
 * the account approves it (`switchboard devices approve CODE`, or Devices in
 * another browser). Then this tab is signed in like after a sign-up.
 */
import type { PendingDeviceLink } from "@switchboard/client";
import { hubUrl } from "../sdk.js";
import { describe, session } from "./session.svelte.js";

class Link {
  code = $state("");
  qr = $state("");
  expiresAt = $state(0);
  error = $state("");
  private pending: PendingDeviceLink | undefined;

  async begin(deviceName: string): Promise<void> {
    const client = session.client;
    if (!client) return;
    this.cancel();
    this.error = "";
    let pending: PendingDeviceLink | undefined;
    try {
      pending = await client.beginLink(hubUrl(), deviceName);
      this.pending = pending;
      this.code = pending.code;
      this.qr = pending.qr;
      this.expiresAt = pending.expiresAt;
      const { identity } = await pending.approved;
      if (this.pending !== pending) return;
      this.pending = undefined;
      this.code = "";
      await session.linked(identity.address);
    } catch (err) {
      if (pending && this.pending !== pending) return; // cancelled: its end is no error
      this.pending = undefined;
      this.code = "";
      this.error = describe(err);
    }
  }

  cancel(): void {
    this.pending?.cancel();
    this.pending = undefined;
    this.code = "";
  }
}

export const link = new Link();
