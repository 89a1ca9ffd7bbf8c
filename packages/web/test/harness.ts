/**
 * The web client end to end: its real build, served by a real hub (in this
 * process, on a SQLite file so tests can read what the hub stored), driven
 * in Debian's Chromium by role and accessible name, as a person would.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { launchChromium } from "../../../devkit/chromium.js";
import { createMemoryBus, DEMO_APPS, openSqliteStore, startHub, type Hub } from "@switchboard/server";

export interface WebHub {
  hub: Hub;
  url: string;
  /** The hub's SQLite file, to check that no plaintext reached it. */
  dbPath: string;
  browser: Browser;
  close(): Promise<void>;
}

const webPackage = fileURLToPath(new URL("..", import.meta.url));

/** Build the web client into a fresh directory (vite, the real config). */
export async function buildWebClient(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "switchboard-web-"));
  await build({
    configFile: join(webPackage, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** `apps`: the hub's apps (the demo's by default; a test may give one a `requests` reach). */
export async function startWebHub(webRoot: string, apps = DEMO_APPS): Promise<WebHub> {
  const dbPath = join(mkdtempSync(join(tmpdir(), "switchboard-webhub-")), "hub.db");
  const hub = await startHub({
    store: openSqliteStore({ path: dbPath }),
    bus: createMemoryBus(),
    apps,
    webRoot,
  });
  const browser = await launchChromium();
  return {
    hub,
    url: hub.url,
    dbPath,
    browser,
    async close() {
      await browser.close();
      await hub.close();
    },
  };
}

export interface Person {
  context: BrowserContext;
  page: Page;
}

const IDENTITY_FIELD = { whatsapp: "Phone number", instagram: "Username", messenger: "Email" } as const;

/** A person in their own browser profile, signed up on `app` as `handle` called `name`. */
export async function signUp(
  web: WebHub,
  app: keyof typeof IDENTITY_FIELD,
  handle: string,
  name: string,
  viewport = { width: 1100, height: 760 },
): Promise<Person> {
  const context = await web.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${web.url}/${app}/`);
  await page.getByRole("textbox", { name: IDENTITY_FIELD[app] }).fill(handle);
  await page.getByRole("textbox", { name: "Display name" }).fill(name);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("list", { name: "Chats" }).waitFor();
  return { context, page };
}

export async function startChat(person: Person, to: string): Promise<void> {
  await person.page.getByRole("button", { name: "New chat" }).click();
  const dialog = person.page.getByRole("dialog", { name: "New chat" });
  await dialog.getByRole("textbox", { name: "To" }).fill(to);
  await dialog.getByRole("button", { name: "Start chat" }).click();
  await dialog.waitFor({ state: "hidden" });
}

export async function send(person: Person, text: string): Promise<void> {
  await person.page.getByRole("textbox", { name: "Message" }).fill(text);
  await person.page.getByRole("button", { name: "Send" }).click();
}

export async function openChatNamed(person: Person, title: string | RegExp): Promise<void> {
  await person.page.getByRole("list", { name: "Chats" }).getByRole("button", { name: title }).click();
}

/** Waits until the chat's message log shows an article with `text`. */
export async function expectMessage(person: Person, text: string): Promise<void> {
  await person.page
    .getByRole("log", { name: "Messages" })
    .getByRole("article")
    .filter({ hasText: text })
    .waitFor();
}
