/**
 * Search and reaction chips on screen (SPEC XP8, CT12; WB18, WB19), in
 * Chromium against a real hub; driven only by the accessibility contract of
 * packages/web/README.md.
 */
import { expect, it } from "vitest";
import { seriousViolations } from "./axe.js";
import {
  act,
  expectMessage,
  messageWith,
  openChatNamed,
  send,
  signUp,
  startChat,
  webSuite,
} from "./harness.js";

webSuite("search and reaction chips on screen", (web) => {
  it("[WB18] search finds a message a page back in another chat and opens that chat at it", async () => {
    const dan = await signUp(web, "instagram", "dan18", "Dan");
    const eve = await signUp(web, "whatsapp", "+14155550181", "Eve");
    await startChat(dan, "+14155550181@whatsapp");
    await send(dan, "meet at the zebra crossing at noon");
    // More than a page (60) after it: the chat opens on its newest page, without the found message.
    for (let i = 1; i <= 64; i++) await send(dan, `filler ${i}`);
    await expectMessage(dan, "filler 64");
    // Eve has not opened the chat: its row shows the newest message.
    await eve.page
      .getByRole("list", { name: "Chats" })
      .getByRole("button", { name: /dan18/ })
      .filter({ hasText: "filler 64" })
      .waitFor();
    expect(await eve.page.getByRole("log", { name: "Messages" }).count()).toBe(0);

    const box = eve.page.getByRole("searchbox", { name: "Search" });
    await box.fill("zebr cross");
    const results = eve.page.getByRole("list", { name: "Search results" });
    const hit = results.getByRole("button").filter({ hasText: "zebra crossing" });
    await hit.waitFor();
    expect(await results.getByRole("button").count()).toBe(1);
    expect(await seriousViolations(eve.page), "search results").toEqual([]);
    await hit.click();

    // The chat with Dan, paged back to the message: it is marked, focused and in view.
    const found = eve.page.getByRole("log", { name: "Messages" }).locator('article[aria-current="true"]');
    await found.filter({ hasText: "meet at the zebra crossing at noon" }).waitFor();
    await expect.poll(() => found.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect
      .poll(() =>
        found.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const log = el.closest('[role="log"]')!.getBoundingClientRect();
          return box.top >= log.top && box.bottom <= log.bottom;
        }),
      )
      .toBe(true);
    await messageWith(eve, "filler 1").waitFor();

    // A query nothing matches says so.
    await box.fill("okapi");
    await results.getByText("No messages found.").waitFor();
    await box.fill("");
    await results.waitFor({ state: "detached" });
    await dan.context.close();
    await eve.context.close();
  });

  it("[WB19] clicking a reaction chip adds your reaction, and clicking it again takes it away", async () => {
    const gus = await signUp(web, "messenger", "gus19@example.com", "Gus");
    const hal = await signUp(web, "instagram", "hal19", "Hal");
    await startChat(gus, "hal19@instagram");
    await send(gus, "pizza tonight?");
    await openChatNamed(hal, /gus19/);
    await expectMessage(hal, "pizza tonight?");
    await act(gus, "pizza tonight?", "React");
    await messageWith(gus, "pizza tonight?").getByRole("button", { name: "React with 👍" }).click();

    const chip = (person: typeof gus, label: string) =>
      messageWith(person, "pizza tonight?")
        .getByRole("list", { name: "Reactions" })
        .getByRole("button", { name: label, exact: true });
    // Hal's chip is not pressed (the reaction is Gus's); clicking it adds his own.
    await chip(hal, "👍 1").waitFor();
    expect(await chip(hal, "👍 1").getAttribute("aria-pressed")).toBe("false");
    expect(await chip(gus, "👍 1").getAttribute("aria-pressed")).toBe("true");
    await chip(hal, "👍 1").click();
    await chip(hal, "👍 2").waitFor();
    await chip(gus, "👍 2").waitFor();
    expect(await chip(hal, "👍 2").getAttribute("aria-pressed")).toBe("true");
    expect(await seriousViolations(hal.page), "reaction chips").toEqual([]);

    // Again: his reaction goes, Gus's stays.
    await chip(hal, "👍 2").click();
    await chip(hal, "👍 1").waitFor();
    await chip(gus, "👍 1").waitFor();
    expect(await chip(hal, "👍 1").getAttribute("aria-pressed")).toBe("false");

    // Gus takes his away too: no chips left on either screen.
    await chip(gus, "👍 1").click();
    for (const person of [gus, hal])
      await messageWith(person, "pizza tonight?")
        .getByRole("list", { name: "Reactions" })
        .waitFor({ state: "detached" });
    await gus.context.close();
    await hal.context.close();
  });
});
