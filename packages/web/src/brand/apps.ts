/**
 * The apps this hub serves, as the hub publishes them (GET /apps.json): a
 * brand is data (name, colour, identity kind), never a fork of the code.
 */
export type IdentityKind = "phone" | "username" | "email";

export interface AppBrand {
  id: string;
  displayName: string;
  brandColor: string;
  identity: IdentityKind;
}

export async function loadApps(): Promise<AppBrand[]> {
  const response = await fetch("/apps.json");
  if (!response.ok) throw new Error(`the hub did not list its apps (${response.status})`);
  return (await response.json()) as AppBrand[];
}

/** The app a page belongs to: the first path segment ("/whatsapp/" -> "whatsapp"). */
export function appIdFromPath(pathname: string): string {
  return pathname.split("/").filter((s) => s !== "")[0] ?? "";
}

/** What a person types to sign up on an app of this kind: the accessible name of the sign-up field. */
export const IDENTITY_LABEL: Record<IdentityKind, string> = {
  phone: "Phone number",
  username: "Username",
  email: "Email",
};

export const IDENTITY_PLACEHOLDER: Record<IdentityKind, string> = {
  phone: "+1 415 555 0100",
  username: "alice",
  email: "alice@example.com",
};

/** Paint the page in the app's colour (CSSOM, allowed under a CSP without 'unsafe-inline'). */
export function applyBrand(app: AppBrand): void {
  document.documentElement.style.setProperty("--brand", app.brandColor);
  document.title = app.displayName;
}
