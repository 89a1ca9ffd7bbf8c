/**
 * The web client's devices, safety numbers and group members end to end
 * (issue 16): linking a browser from the CLI, a browser approving and
 * revoking a CLI device, comparing safety numbers, adding and removing group
 * members, and axe on each of these screens. Driven only by the
 * accessibility contract of packages/web/README.md.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { seriousViolations } from "./axe.js";
import { expectMessage, openChatNamed, send, signUp, startChat, type Person, webSuite } from "./harness.js";

const CLI = fileURLToPath(new URL("../../cli/bin/switchboard.js", import.meta.url));
const run = promisify(execFile);

webSuite("the web client's devices, safety numbers and members, end to end", (web) => {
  const cli = (profile: string, ...args: string[]) =>
    run(process.execPath, [CLI, ...args, "--server", web.url, "--profile", profile]);

  async function cliAccount(address: string, name: string): Promise<string> {
    const profile = mkdtempSync(join(tmpdir(), "switchboard-web-cli-"));
    await cli(profile, "register", address, "--name", name);
    return profile;
  }

  async function openDevices(person: Person) {
    await person.page.getByRole("button", { name: "Devices" }).click();
    const dialog = person.page.getByRole("dialog", { name: "Devices" });
    await dialog.getByRole("list", { name: "Devices" }).getByRole("listitem").first().waitFor();
    return dialog;
  }

  it("[WB2] links a browser device from the CLI: the code shows as text and QR, and the browser gets the account", async () => {
    const profile = await cliAccount("nia@instagram", "Nia");
    const other = await cliAccount("oz@instagram", "Oz");
    await cli(other, "send", "nia@instagram", "before the link");

    const context = await web.browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    await page.goto(`${web.url}/instagram/`);
    await page.getByRole("textbox", { name: "Device name" }).fill("Nia's laptop");
    await page.getByRole("button", { name: "Link this browser" }).click();
    const shown = page.getByRole("status", { name: "Link code" });
    await shown.waitFor();
    const code = (await shown.textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    await page.getByRole("img", { name: "Link code as a QR code" }).waitFor();
    expect(await seriousViolations(page), "link code").toEqual([]);

    const approved = await cli(profile, "devices", "approve", code);
    expect(approved.stdout).toMatch(/^approved Nia's laptop \(device [a-z0-9]+\): added to 1 conversations/);
    await page.getByRole("list", { name: "Chats" }).waitFor();
    // History from the approving device, then a message to the account after the link.
    await openChatNamed({ context, page }, /oz/);
    await expectMessage({ context, page }, "before the link");
    await cli(other, "send", "nia@instagram", "after the link");
    await expectMessage({ context, page }, "after the link");
    const listed = (await cli(profile, "devices", "--json")).stdout.trim().split("\n");
    expect(listed.map((l) => (JSON.parse(l) as { name: string }).name)).toContain("Nia's laptop");
    await context.close();
  });

  it("[WB2] [WB3] links a browser to an account from another browser, by the code it shows", async () => {
    const zed = await signUp(web, "messenger", "zed@example.com", "Zed");
    const phone = await web.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await phone.newPage();
    await page.goto(`${web.url}/messenger/`);
    await page.getByRole("textbox", { name: "Device name" }).fill("Zed's phone");
    await page.getByRole("button", { name: "Link this browser" }).click();
    const shown = page.getByRole("status", { name: "Link code" });
    await shown.waitFor();
    const dialog = await openDevices(zed);
    await dialog.getByRole("textbox", { name: "Link code" }).fill((await shown.textContent())!.trim());
    await dialog.getByRole("button", { name: "Approve" }).click();
    await dialog.getByRole("status").filter({ hasText: "Approved Zed's phone" }).waitFor();
    await page.getByRole("list", { name: "Chats" }).waitFor();
    // The new browser is signed in as the same account.
    await page.getByText("zed@example.com@messenger").waitFor();
    await dialog
      .getByRole("list", { name: "Devices" })
      .getByRole("listitem")
      .filter({ hasText: "Zed's phone" })
      .waitFor();
    await phone.close();
    await zed.context.close();
  });

  it("[WB3] a browser approves a CLI device by its code, lists it, and revokes it", async () => {
    const pia = await signUp(web, "whatsapp", "+14155550111", "Pia");
    const profile = mkdtempSync(join(tmpdir(), "switchboard-web-cli-link-"));
    const linking = spawn(
      process.execPath,
      [CLI, "link", "--name", "pia-cli", "--wait", "1", "--server", web.url, "--profile", profile],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let printed = "";
    const exited = new Promise<number | null>((resolve) => linking.on("exit", resolve));
    const codeShown = new Promise<string>((resolve) =>
      linking.stdout.on("data", (chunk: Buffer) => {
        printed += chunk.toString();
        const found = /link code: (\S+)/.exec(printed);
        if (found) resolve(found[1]!);
      }),
    );
    const code = await codeShown;

    const dialog = await openDevices(pia);
    await dialog.getByRole("textbox", { name: "Link code" }).fill(code);
    await dialog.getByRole("button", { name: "Approve" }).click();
    await dialog.getByRole("status").filter({ hasText: "Approved pia-cli" }).waitFor();
    expect(await exited).toBe(0);
    expect(printed).toContain("linked: +14155550111@whatsapp");

    const cliRow = dialog
      .getByRole("list", { name: "Devices" })
      .getByRole("listitem")
      .filter({ hasText: "pia-cli" });
    await cliRow.waitFor();
    expect(await dialog.getByRole("listitem").filter({ hasText: "This device" }).count()).toBe(1);
    expect(await seriousViolations(pia.page), "devices").toEqual([]);
    await cliRow.getByRole("button", { name: "Revoke" }).click();
    await cliRow.getByRole("button", { name: "Yes, revoke" }).click();
    await dialog.getByRole("status").filter({ hasText: "Revoked pia-cli" }).waitFor();
    await cliRow.waitFor({ state: "detached" });
    // The revoked device can no longer log in.
    await expect(cli(profile, "devices")).rejects.toThrow();
    await pia.context.close();
  });

  it("[WB4] two people see the same safety number, as digits and as a QR code", async () => {
    const quin = await signUp(web, "messenger", "quin@example.com", "Quin");
    const ros = await signUp(web, "instagram", "ros", "Ros");
    await startChat(quin, "ros@instagram");
    await send(quin, "let us compare");
    await openChatNamed(ros, /quin/);
    await expectMessage(ros, "let us compare");
    const digits: string[] = [];
    for (const person of [quin, ros]) {
      await person.page.getByRole("button", { name: "Safety number" }).click();
      const dialog = person.page.getByRole("dialog", { name: "Safety number" });
      const number = dialog.getByRole("status", { name: "Safety number digits" });
      await number.waitFor();
      await dialog.getByRole("img", { name: "Safety number as a QR code" }).waitFor();
      digits.push((await number.textContent())!.replace(/\s/g, ""));
      expect(await seriousViolations(person.page), "safety number").toEqual([]);
      await dialog.getByRole("button", { name: "Close" }).click();
    }
    expect(digits[0]).toMatch(/^\d{60}$/);
    expect(digits[1]).toBe(digits[0]);
    await quin.context.close();
    await ros.context.close();
  });

  it("[WB5] [WB6] adds and removes group members from the browser; the chat list shows the last message and unread count", async () => {
    const sam = await signUp(web, "instagram", "sam", "Sam");
    const tia = await signUp(web, "whatsapp", "+14155550112", "Tia");
    const uma = await signUp(web, "messenger", "uma@example.com", "Uma");
    await sam.page.getByRole("button", { name: "New group" }).click();
    const create = sam.page.getByRole("dialog", { name: "New group" });
    await create.getByRole("textbox", { name: "Group name" }).fill("Planning");
    await create.getByRole("textbox", { name: "Members" }).fill("+14155550112@whatsapp");
    await create.getByRole("button", { name: "Create group" }).click();
    await send(sam, "first");
    await send(sam, "second");
    await expectMessage(sam, "second");

    // Tia has not opened it: the list shows the last message, its unread count, and the tab title counts it.
    const row = tia.page
      .getByRole("list", { name: "Chats" })
      .getByRole("listitem")
      .filter({ hasText: "Planning" });
    await row.filter({ hasText: "second" }).getByLabel("2 unread").waitFor();
    await tia.page.waitForFunction(() => document.title.startsWith("(2) "));

    await sam.page.getByRole("button", { name: "Members" }).click();
    const members = sam.page.getByRole("dialog", { name: "Members" });
    await members.getByRole("textbox", { name: "Add members" }).fill("uma@example.com@messenger");
    await members.getByRole("button", { name: "Add" }).click();
    await members
      .getByRole("list", { name: "Members" })
      .getByRole("listitem")
      .filter({ hasText: "uma" })
      .waitFor();
    expect(await seriousViolations(sam.page), "members").toEqual([]);
    await members.getByRole("button", { name: "Close" }).click();
    await send(sam, "welcome Uma");
    await openChatNamed(uma, "Planning");
    await expectMessage(uma, "welcome Uma");

    await sam.page.getByRole("button", { name: "Members" }).click();
    await members.getByRole("button", { name: "Remove +14155550112@whatsapp" }).click();
    await members
      .getByRole("list", { name: "Members" })
      .getByRole("listitem")
      .filter({ hasText: "14155550112" })
      .waitFor({ state: "detached" });
    await members.getByRole("button", { name: "Close" }).click();
    await row.waitFor({ state: "detached" });
    await send(sam, "after Tia left");
    await expectMessage(uma, "after Tia left");
    await sam.context.close();
    await tia.context.close();
    await uma.context.close();
  });

  it("[WB7] a chat of 2,000 messages opens on its newest page and pages older ones in", async () => {
    const xan = await signUp(web, "instagram", "xan", "Xan");
    await signUp(web, "instagram", "yul", "Yul");
    await startChat(xan, "yul");
    await send(xan, "hello Yul");
    await expectMessage(xan, "hello Yul");
    const conversationId = await xan.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const open = indexedDB.open("switchboard/instagram");
        open.onsuccess = () => resolve(open.result);
      });
      const keys = await new Promise<IDBValidKey[]>((resolve) => {
        const all = db.transaction("conversations").objectStore("conversations").getAllKeys();
        all.onsuccess = () => resolve(all.result);
      });
      db.close();
      return keys[0] as string;
    });
    // 2,000 older messages, as the SDK stores decrypted ones (plain records), below the real one's seq.
    await xan.page.evaluate(
      async ({ id, total }) => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const open = indexedDB.open("switchboard/instagram");
          open.onsuccess = () => resolve(open.result);
        });
        const tx = db.transaction("messages", "readwrite");
        for (let i = 0; i < total; i++)
          tx.objectStore("messages").put({
            id: `old${String(i).padStart(5, "0")}`,
            conversationId: id,
            seq: -total + i,
            senderAddress: "yul@instagram",
            senderDeviceId: "older",
            text: `older ${i}`,
            sentAt: 1_000 + i,
            serverTime: 1_000 + i,
            outgoing: false,
            replyTo: null,
            editCount: 0,
            editedAt: null,
            deleted: false,
            expiresAt: null,
          });
        await new Promise((resolve) => (tx.oncomplete = resolve));
        db.close();
      },
      { id: conversationId, total: 2_000 },
    );
    await xan.page.reload();
    await openChatNamed(xan, /yul/);
    await expectMessage(xan, "hello Yul");
    const articles = xan.page.getByRole("log", { name: "Messages" }).getByRole("article");
    expect(await articles.count()).toBe(60);
    await expect(articles.first().textContent()).resolves.toContain("older 1941");
    await xan.page.getByRole("button", { name: "Earlier messages" }).click();
    await articles.filter({ hasText: "older 1881" }).waitFor();
    expect(await articles.count()).toBe(120);
    await xan.context.close();
  });

  it("[WB6] a draft stays with its chat: not carried into a group that opens once created", async () => {
    const abe = await signUp(web, "whatsapp", "+14155550113", "Abe");
    await signUp(web, "instagram", "bea", "Bea");
    await startChat(abe, "bea@instagram");
    const message = abe.page.getByRole("textbox", { name: "Message" });
    await message.fill("a draft for Bea");
    await abe.page.getByRole("button", { name: "New group" }).click();
    const create = abe.page.getByRole("dialog", { name: "New group" });
    await create.getByRole("textbox", { name: "Group name" }).fill("Drafts");
    await create.getByRole("textbox", { name: "Members" }).fill("bea@instagram");
    await create.getByRole("button", { name: "Create group" }).click();
    await abe.page.getByRole("heading", { name: "Drafts" }).waitFor();
    await expect(message.inputValue()).resolves.toBe("");
    await send(abe, "to the group");
    await expectMessage(abe, "to the group");
    await openChatNamed(abe, /bea/);
    await expect(message.inputValue()).resolves.toBe("a draft for Bea");
    await abe.context.close();
  });

  it("[WB8] has no serious or critical axe violations on the new screens at phone width", async () => {
    const viewport = { width: 390, height: 844 };
    const context = await web.browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${web.url}/whatsapp/`);
    await page.getByRole("button", { name: "Link this browser" }).click();
    await page.getByRole("img", { name: "Link code as a QR code" }).waitFor();
    expect(await seriousViolations(page), "link code").toEqual([]);
    await context.close();

    const vic = await signUp(web, "instagram", "vic", "Vic", viewport);
    await signUp(web, "instagram", "wes", "Wes", viewport);
    await openDevices(vic);
    expect(await seriousViolations(vic.page), "devices").toEqual([]);
    await vic.page.getByRole("dialog", { name: "Devices" }).getByRole("button", { name: "Close" }).click();
    await startChat(vic, "wes");
    await vic.page.getByRole("button", { name: "Safety number" }).click();
    await vic.page.getByRole("img", { name: "Safety number as a QR code" }).waitFor();
    expect(await seriousViolations(vic.page), "safety number").toEqual([]);
    await vic.page
      .getByRole("dialog", { name: "Safety number" })
      .getByRole("button", { name: "Close" })
      .click();
    await vic.page.getByRole("button", { name: "Back to chats" }).click();
    await vic.page.getByRole("button", { name: "New group" }).click();
    const create = vic.page.getByRole("dialog", { name: "New group" });
    await create.getByRole("textbox", { name: "Group name" }).fill("Small");
    await create.getByRole("textbox", { name: "Members" }).fill("wes");
    await create.getByRole("button", { name: "Create group" }).click();
    await vic.page.getByRole("button", { name: "Members" }).click();
    await vic.page.getByRole("dialog", { name: "Members" }).getByRole("list", { name: "Members" }).waitFor();
    expect(await seriousViolations(vic.page), "members").toEqual([]);
    await vic.context.close();
  });
});
