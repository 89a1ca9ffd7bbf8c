/**
 * The web client end to end (issue 16): people on the three brands in real
 * Chromium against a real hub, driven only by the accessibility contract of
 * packages/web/README.md.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { seriousViolations } from "./axe.js";
import { expectMessage, firstLoad, openChatNamed, send, signUp, startChat, webSuite } from "./harness.js";

const CLI = fileURLToPath(new URL("../../cli/bin/switchboard.js", import.meta.url));
const run = promisify(execFile);

webSuite("the web client, end to end", (web) => {
  it("two people on two brands chat in real time, both ways", async () => {
    const alice = await signUp(web, "whatsapp", "+14155550101", "Alice");
    const bob = await signUp(web, "instagram", "bob", "Bob");
    await startChat(alice, "bob@instagram");
    await send(alice, "Hi Bob, from WhatsApp");
    await expectMessage(alice, "Hi Bob, from WhatsApp");
    await bob.page.getByRole("list", { name: "Chats" }).getByRole("listitem").first().waitFor();
    await openChatNamed(bob, /14155550101/);
    await expectMessage(bob, "Hi Bob, from WhatsApp");
    await send(bob, "Hello Alice, from Instagram");
    await expectMessage(alice, "Hello Alice, from Instagram");
    await alice.context.close();
    await bob.context.close();
  });

  it("a reload keeps the history", async () => {
    const carol = await signUp(web, "messenger", "carol@example.com", "Carol");
    const dan = await signUp(web, "instagram", "dan", "Dan");
    await startChat(carol, "dan@instagram");
    await send(carol, "Before the reload");
    await expectMessage(carol, "Before the reload");
    await carol.page.reload();
    await openChatNamed(carol, /dan/);
    await expectMessage(carol, "Before the reload");
    await carol.context.close();
    await dan.context.close();
  });

  it("a message sent while offline arrives once the network is back", async () => {
    const erin = await signUp(web, "whatsapp", "+14155550102", "Erin");
    const finn = await signUp(web, "messenger", "finn@example.com", "Finn");
    await startChat(erin, "finn@example.com@messenger");
    await send(erin, "warming up");
    await expectMessage(erin, "warming up");
    await erin.context.setOffline(true);
    await send(erin, "Sent from a tunnel");
    await erin.context.setOffline(false);
    await openChatNamed(finn, /14155550102/);
    await expectMessage(finn, "Sent from a tunnel");
    await erin.context.close();
    await finn.context.close();
  });

  it("a second tab of the same app says so, and can take over", async () => {
    const gail = await signUp(web, "instagram", "gail", "Gail");
    const second = await gail.context.newPage();
    await second.goto(`${web.url}/instagram/`);
    await second.getByRole("alert").filter({ hasText: "open in another tab" }).waitFor();
    await second.getByRole("button", { name: "Use here" }).click();
    await second.getByRole("list", { name: "Chats" }).waitFor();
    await gail.page.getByRole("alert").filter({ hasText: "open in another tab" }).waitFor();
    await gail.context.close();
  });

  it("a group across all three brands includes a CLI member", async () => {
    const profile = mkdtempSync(join(tmpdir(), "switchboard-cli-member-"));
    await run(process.execPath, [
      CLI,
      "register",
      "hal@instagram",
      "--name",
      "Hal",
      "--server",
      web.url,
      "--profile",
      profile,
    ]);
    const ivy = await signUp(web, "whatsapp", "+14155550103", "Ivy");
    const jon = await signUp(web, "messenger", "jon@example.com", "Jon");
    await ivy.page.getByRole("button", { name: "New group" }).click();
    const dialog = ivy.page.getByRole("dialog", { name: "New group" });
    await dialog.getByRole("textbox", { name: "Group name" }).fill("Three apps");
    await dialog.getByRole("textbox", { name: "Members" }).fill("jon@example.com@messenger, hal@instagram");
    await dialog.getByRole("button", { name: "Create group" }).click();
    await send(ivy, "Hello, three apps");
    await expectMessage(ivy, "Hello, three apps");
    const synced = await run(process.execPath, [
      CLI,
      "sync",
      "--json",
      "--server",
      web.url,
      "--profile",
      profile,
    ]);
    expect(synced.stdout).toContain("Hello, three apps");
    const group = (
      JSON.parse(
        synced.stdout
          .trim()
          .split("\n")
          .find((l) => l.includes("three apps"))!,
      ) as { conversation: string }
    ).conversation;
    await run(process.execPath, [
      CLI,
      "send",
      group,
      "Hal here, from the CLI",
      "--server",
      web.url,
      "--profile",
      profile,
    ]);
    await expectMessage(ivy, "Hal here, from the CLI");
    await openChatNamed(jon, "Three apps");
    await expectMessage(jon, "Hal here, from the CLI");
    await ivy.context.close();
    await jon.context.close();
  });

  it("leaves no plaintext in the hub's store", async () => {
    const kim = await signUp(web, "instagram", "kim", "Kim");
    const lee = await signUp(web, "whatsapp", "+14155550104", "Lee");
    const secret = "the-eagle-lands-at-midnight-42";
    await startChat(kim, "+14155550104@whatsapp");
    await send(kim, secret);
    await openChatNamed(lee, /kim/);
    await expectMessage(lee, secret);
    for (const file of [web.dbPath, `${web.dbPath}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    await kim.context.close();
    await lee.context.close();
  });

  it("has no serious or critical axe violations on any screen, desktop and phone width", async () => {
    for (const viewport of [
      { width: 1100, height: 760 },
      { width: 390, height: 844 },
    ]) {
      const context = await web.browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${web.url}/`);
      await page.getByRole("list", { name: "Apps" }).getByRole("link").first().waitFor();
      expect(await seriousViolations(page), "launcher").toEqual([]);
      await page.goto(`${web.url}/messenger/`);
      await page.getByRole("button", { name: "Create account" }).waitFor();
      expect(await seriousViolations(page), "sign-up").toEqual([]);
      await context.close();
      const mo = await signUp(web, "messenger", `mo${viewport.width}@example.com`, "Mo", viewport);
      expect(await seriousViolations(mo.page), "chat list").toEqual([]);
      await mo.page.getByRole("button", { name: "New chat" }).click();
      await mo.page.getByRole("dialog", { name: "New chat" }).waitFor();
      expect(await seriousViolations(mo.page), "new chat").toEqual([]);
      await mo.page.getByRole("dialog", { name: "New chat" }).getByRole("button", { name: "Cancel" }).click();
      await mo.page.getByRole("button", { name: "New group" }).click();
      await mo.page.getByRole("dialog", { name: "New group" }).waitFor();
      expect(await seriousViolations(mo.page), "new group").toEqual([]);
      await mo.page
        .getByRole("dialog", { name: "New group" })
        .getByRole("button", { name: "Cancel" })
        .click();
      await startChat(mo, `kim@instagram`);
      await send(mo, "axe check");
      await expectMessage(mo, "axe check");
      expect(await seriousViolations(mo.page), "chat").toEqual([]);
      const second = await mo.context.newPage();
      await second.goto(`${web.url}/messenger/`);
      await second.getByRole("button", { name: "Use here" }).waitFor();
      expect(await seriousViolations(second), "second tab").toEqual([]);
      await mo.context.close();
    }
  });

  it("fits a phone's width: an open chat with a long address scrolls nothing sideways", async () => {
    const phone = { width: 390, height: 844 };
    const peer = await signUp(web, "instagram", "narrow_peer", "Peer");
    const long = await signUp(web, "messenger", "a.rather.long.name@example.com", "Long", phone);
    await startChat(long, "narrow_peer@instagram");
    await send(long, "fits?");
    await expectMessage(long, "fits?");
    const widths = await long.page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: document.documentElement.clientWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    // Everything still reachable on that screen: the tools and the send button are inside it.
    for (const name of ["Safety number", "Send", "Devices"]) {
      const box = await long.page.getByRole("button", { name, exact: true }).boundingBox();
      expect(box && box.x + box.width, name).toBeLessThanOrEqual(phone.width);
    }
    await long.context.close();
    await peer.context.close();
  });

  it("[WB16] an app's first load is at most 150 KB gzip of JavaScript; what comes on demand is not in it", () => {
    const load = firstLoad(web.webRoot);
    expect(load.gzip).toBeLessThanOrEqual(150 * 1024);
    const code = load.scripts.map((script) => readFileSync(join(web.webRoot, script), "utf8")).join("\n");
    // A text of each part loaded on demand: in the build, and in none of the first scripts.
    const onDemand = [
      "a display name needs some text", // SDK people
      "delivered receipts in ", // SDK status
      "the timer is off, 5 min, 1 h, 1 d, 7 d or 90 d", // SDK expiry and search
      "a group keeps at least one admin", // SDK group operations
      "a file's size is a whole number of bytes", // SDK attachments
      "the link code expired before it was approved", // SDK linking this device
      "Link this browser", // sign-up
      "Yes, revoke", // Devices
      "Start chat", // New chat
      "Leave group", // the chat pane
    ];
    const built = readdirSync(join(web.webRoot, "assets"))
      .filter((name) => name.endsWith(".js"))
      .map((name) => readFileSync(join(web.webRoot, "assets", name), "utf8"))
      .join("\n");
    for (const text of onDemand) {
      expect(built, text).toContain(text);
      expect(code, text).not.toContain(text);
    }
  });
});
