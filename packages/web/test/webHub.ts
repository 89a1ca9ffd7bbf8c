/**
 * The web client end to end: its real build, served by a real hub (in this
 * process, on a SQLite file so tests can read what the hub stored), driven
 * in Debian's Chromium by role and accessible name, as a person would.
 * Without vitest, so bench/ and devkit/ scripts use it too; test/harness.ts
 * adds the suite.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { launchChromium } from "../../../devkit/chromium.js";
import {
  createMemoryBus,
  DEMO_APPS,
  openFsBlobStore,
  openSqliteStore,
  startHub,
  type AppConfig,
  type Hub,
} from "@switchboard/server";

export interface WebHub {
  hub: Hub;
  url: string;
  /** The hub's SQLite file, to check that no plaintext reached it. */
  dbPath: string;
  /** The built client the hub serves. */
  webRoot: string;
  browser: Browser;
  close(): Promise<void>;
}

const webPackage = fileURLToPath(new URL("..", import.meta.url));

/**
 * Build the web client into a fresh directory (vite, the real config).
 * `minify: false` keeps function names, for a CPU profile that names them
 * (bench/webClient.ts --profile); every figure is taken on the minified build.
 */
export async function buildWebClient(options: { minify?: boolean } = {}): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "switchboard-web-"));
  // The production build people get: under vitest NODE_ENV is "test", and Vite and Svelte
  // would build in development mode (a larger bundle, with dev checks).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      configFile: join(webPackage, "vite.config.ts"),
      mode: "production",
      logLevel: "warn",
      build: { outDir, emptyOutDir: true, ...(options.minify === false ? { minify: false } : {}) },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return outDir;
}

export interface WebHubOptions {
  /** The hub's apps (the demo's by default; a test may give one a `requests` reach). */
  apps?: AppConfig[];
  /** Attachments on: the hub keeps blobs in a directory beside its database. */
  media?: boolean;
}

export async function startWebHub(webRoot: string, options: WebHubOptions = {}): Promise<WebHub> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-webhub-"));
  const dbPath = join(dir, "hub.db");
  const hub = await startHub({
    store: openSqliteStore({ path: dbPath }),
    bus: createMemoryBus(),
    apps: options.apps ?? DEMO_APPS,
    webRoot,
    ...(options.media ? { media: { blobs: await openFsBlobStore(join(dir, "blobs")) } } : {}),
  });
  const browser = await launchChromium();
  return {
    hub,
    url: hub.url,
    dbPath,
    webRoot,
    browser,
    async close() {
      await browser.close();
      await hub.close();
    },
  };
}

/**
 * The JavaScript an app page loads before it runs (its module script and
 * modulepreloads; chunks fetched later by import() are not in it), and the
 * gzip -9 bytes of it: the first-load figure of bench/webClient.ts.
 */
export function firstLoad(webRoot: string): { scripts: string[]; gzip: number; raw: number } {
  const html = readFileSync(join(webRoot, "app.html"), "utf8");
  const scripts = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+)"/g),
  ].map((m) => m[1]!);
  let gzip = 0;
  let raw = 0;
  for (const url of scripts) {
    const bytes = readFileSync(join(webRoot, url));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { scripts, gzip, raw };
}

export interface Person {
  context: BrowserContext;
  page: Page;
}

const IDENTITY_FIELD = { whatsapp: "Phone number", instagram: "Username", messenger: "Email" } as const;

/**
 * How long a person's page waits for what another person did to show. In CI
 * every test file runs at once on two cores, and a chat appearing or a
 * removed member's row leaving took past Playwright's 30 s default twice
 * (about 5 s when run alone). A hang is still bounded by the test's own
 * timeout (vitest.config.ts, 120 s).
 */
const PERSON_WAIT_MS = 90_000;

/** A person in their own browser profile, signed up on `app` as `handle` called `name`. */
export async function signUp(
  web: WebHub,
  app: keyof typeof IDENTITY_FIELD,
  handle: string,
  name: string,
  viewport = { width: 1100, height: 760 },
): Promise<Person> {
  const context = await web.browser.newContext({ viewport });
  context.setDefaultTimeout(PERSON_WAIT_MS);
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

/** The message whose own text is `text` (its accessible name is "<sender>: <text>"; a quote of it does not count). */
export function messageWith(person: Person, text: string) {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return person.page
    .getByRole("log", { name: "Messages" })
    .getByRole("article", { name: new RegExp(`: ${escaped}$`) });
}

/** Choose `action` in the message's actions menu ("Reply", "React", "Edit", ...). */
export async function act(person: Person, text: string, action: string): Promise<void> {
  const message = messageWith(person, text);
  await message.getByRole("button", { name: "Message actions" }).click();
  await message.getByRole("button", { name: action, exact: true }).click();
}
