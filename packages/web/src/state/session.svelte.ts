/**
 * The signed-in device of this tab: opening the profile, signing up, the
 * connection's state, and losing the profile to another tab. Components read
 * it; only this module talks to the SDK's lifecycle.
 */
import type { AppBrand } from "../brand/apps.js";
import { hubUrl, openClient, type BrowserClient } from "../sdk.js";

export type Phase = "opening" | "signed-out" | "ready" | "elsewhere" | "failed";

class Session {
  phase = $state<Phase>("opening");
  address = $state("");
  online = $state(false);
  /** One line: what went wrong, for the person, not a stack. */
  error = $state("");
  client: BrowserClient | undefined;

  async open(app: AppBrand, takeOver = false): Promise<void> {
    this.phase = "opening";
    try {
      this.client = await openClient(app.id, {
        takeOver,
        // Another tab took this app over: this one stops and says so.
        onTakenOver: () => {
          this.client = undefined;
          this.phase = "elsewhere";
        },
      });
      this.client.events.on("connection", ({ state }) => (this.online = state === "connected"));
      // Disappearing messages go from this device when their time is up (XP5); close() stops it.
      this.client.expiry.start();
      const identity = await this.client.open();
      if (!identity) {
        this.phase = "signed-out";
        return;
      }
      this.address = identity.address;
      this.phase = "ready";
      await this.client.connect();
    } catch (err) {
      this.fail(err);
    }
  }

  async signUp(address: string, displayName: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.error = "";
    try {
      const identity = await client.register(hubUrl(), address, displayName);
      this.address = identity.address;
      this.phase = "ready";
      await client.connect();
    } catch (err) {
      this.error = describe(err);
    }
  }

  /** This browser became a device of `address` (link.svelte.ts): the same as signing up. */
  async linked(address: string): Promise<void> {
    this.address = address;
    this.phase = "ready";
    await this.client?.connect();
  }

  fail(err: unknown): void {
    if ((err as { code?: string }).code === "PROFILE_IN_USE") this.phase = "elsewhere";
    else {
      this.error = describe(err);
      this.phase = "failed";
    }
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export const session = new Session();
