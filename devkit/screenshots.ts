/**
 * `npm run screenshots`: the three brands on screen, for the README, made
 * from the real build against a real hub in Debian's Chromium, so they stay
 * current. Writes docs/screenshots/<app>-<screen>.png.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import {
  buildWebClient,
  expectMessage,
  openChatNamed,
  send,
  signUp,
  startChat,
  startWebHub,
} from "../packages/web/test/webHub.js";

const out = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
mkdirSync(out, { recursive: true });
const web = await startWebHub(await buildWebClient());
try {
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: `${out}${name}.png` });
    console.log(`docs/screenshots/${name}.png`);
  };
  const launcher = await web.browser.newPage({ viewport: { width: 1000, height: 460 } });
  await launcher.goto(`${web.url}/`);
  await launcher.getByRole("list", { name: "Apps" }).getByRole("link").first().waitFor();
  await shot(launcher, "launcher");

  const signup = await web.browser.newPage({ viewport: { width: 420, height: 640 } });
  await signup.goto(`${web.url}/whatsapp/`);
  await signup.getByRole("button", { name: "Create account" }).waitFor();
  await shot(signup, "whatsapp-signup");

  const ana = await signUp(web, "whatsapp", "+14155550142", "Ana", { width: 900, height: 560 });
  const ben = await signUp(web, "instagram", "ben", "Ben", { width: 900, height: 560 });
  const cho = await signUp(web, "messenger", "cho@example.com", "Cho", { width: 390, height: 700 });
  await startChat(ana, "ben@instagram");
  await send(ana, "Hi Ben! This is Ana, on WhatsApp.");
  await openChatNamed(ben, /14155550142/);
  await expectMessage(ben, "Hi Ben!");
  await send(ben, "Hey Ana, Ben here, on Instagram. End to end encrypted both ways.");
  await expectMessage(ana, "Ben here");
  await ben.page.getByRole("button", { name: "New group" }).click();
  const dialog = ben.page.getByRole("dialog", { name: "New group" });
  await dialog.getByRole("textbox", { name: "Group name" }).fill("Weekend");
  await dialog
    .getByRole("textbox", { name: "Members" })
    .fill("+14155550142@whatsapp, cho@example.com@messenger");
  await dialog.getByRole("button", { name: "Create group" }).click();
  await dialog.waitFor({ state: "hidden" });
  await ben.page.getByRole("heading", { name: "Weekend" }).waitFor();
  await send(ben, "Saturday, all three apps?");
  await expectMessage(ben, "Saturday");
  await openChatNamed(cho, "Weekend");
  await expectMessage(cho, "Saturday").catch(async (err: unknown) => {
    await cho.page.screenshot({ path: "/tmp/cho-fail.png" });
    await ben.page.screenshot({ path: "/tmp/ben-fail.png" });
    throw err;
  });
  await send(cho, "Count me in, from Messenger.");
  await expectMessage(ben, "Count me in");
  await shot(ana.page, "whatsapp-chat");
  await shot(ben.page, "instagram-group");
  await shot(cho.page, "messenger-phone");
} finally {
  await web.close();
}
