/**
 * The content features on screen (issue 16, SPEC WB9+): status ticks and
 * read receipts, replies, reactions, edits, deletes, typing; driven only by
 * the accessibility contract of packages/web/README.md.
 */
import { expect, it } from "vitest";
import { DEMO_APPS } from "@switchboard/server";
import { seriousViolations } from "./axe.js";
import {
  act,
  expectMessage,
  messageWith,
  openChatNamed,
  send,
  signUp,
  startChat,
  type Person,
  webSuite,
} from "./harness.js";

webSuite(
  "the content features on screen",
  (web) => {
    it("WB9/WB10: own messages show sent, then read once the other person has the chat open", async () => {
      const alice = await signUp(web, "whatsapp", "+14155550201", "Alice");
      const bob = await signUp(web, "instagram", "bob2", "Bob");
      await startChat(alice, "bob2@instagram");
      await send(alice, "Are you there?");
      // A pending request shares no receipts (PP3): the message stays sent, though Bob's device has it.
      await messageWith(alice, "Are you there?").getByRole("img", { name: "Sent" }).waitFor();
      await openChatNamed(bob, /14155550201/);
      await expectMessage(bob, "Are you there?");
      // Answering accepts the request; Bob's chat stays open and visible, so what comes next is read.
      await send(bob, "Yes");
      await expectMessage(alice, "Yes");
      await send(alice, "Good, read this");
      await expectMessage(bob, "Good, read this");
      await messageWith(alice, "Good, read this").getByRole("img", { name: "Read" }).waitFor();
      // Bob's own reply: Alice had it open, so it is read too.
      await messageWith(bob, "Yes").getByRole("img", { name: "Read" }).waitFor();
      expect(await seriousViolations(alice.page), "ticks").toEqual([]);
      await alice.context.close();
      await bob.context.close();
    });

    it("WB11: replies quote their original, reactions show as chips, edits are marked, deletes leave a tombstone", async () => {
      const alice = await signUp(web, "whatsapp", "+14155550301", "Alice");
      const bob = await signUp(web, "instagram", "bob3", "Bob");
      await startChat(alice, "bob3@instagram");
      await send(alice, "The original");
      await send(alice, "Oops, wrong chat");
      await openChatNamed(bob, /14155550301/);
      await expectMessage(bob, "Oops, wrong chat");

      // Reply: the composer says what it answers; both sides show the quote above the reply.
      await act(bob, "The original", "Reply");
      await bob.page.getByRole("status").filter({ hasText: "Replying to" }).waitFor();
      await send(bob, "A reply to it");
      const reply = messageWith(alice, "A reply to it");
      await reply.waitFor();
      await reply.locator("blockquote").filter({ hasText: "The original" }).waitFor();

      // React: a chip with the emoji and its count, on both screens.
      await act(bob, "The original", "React");
      await messageWith(bob, "The original").getByRole("button", { name: "React with 👍" }).click();
      await messageWith(alice, "The original")
        .getByRole("list", { name: "Reactions" })
        .getByRole("listitem")
        .filter({ hasText: "👍 1" })
        .waitFor();

      // Edit in place: the new text and an "edited" mark on both screens.
      await act(alice, "The original", "Edit");
      await alice.page.getByRole("textbox", { name: "Edit message" }).fill("The original, edited");
      await alice.page.getByRole("button", { name: "Save" }).click();
      const edited = messageWith(bob, "The original, edited");
      await edited.getByText("edited", { exact: true }).waitFor();
      // The quote follows the edit: it shows the original as it is now.
      await messageWith(bob, "A reply to it")
        .locator("blockquote")
        .filter({ hasText: "The original, edited" })
        .waitFor();

      // Delete for everyone: a tombstone on both screens.
      await act(alice, "Oops, wrong chat", "Delete for everyone");
      await messageWith(bob, "This message was deleted").waitFor();
      await messageWith(alice, "This message was deleted").waitFor();
      expect(await messageWith(bob, "Oops, wrong chat").count()).toBe(0);

      // Delete for me: gone here only; a reply to it then quotes "original not found" after a reload.
      await act(bob, "The original, edited", "Delete for me");
      await messageWith(bob, "The original, edited").waitFor({ state: "detached" });
      await messageWith(alice, "The original, edited").waitFor();
      await bob.page.reload();
      await openChatNamed(bob, /14155550301/);
      await messageWith(bob, "A reply to it")
        .locator("blockquote")
        .filter({ hasText: "original not found" })
        .waitFor();

      await act(alice, "A reply to it", "React");
      expect(await seriousViolations(alice.page), "message actions").toEqual([]);
      await alice.page.setViewportSize({ width: 390, height: 844 });
      expect(await seriousViolations(alice.page), "message actions, phone width").toEqual([]);
      await alice.context.close();
      await bob.context.close();
    });
    it("WB12: composing shows '<name> is typing…' to the other person until the message arrives", async () => {
      const alice = await signUp(web, "whatsapp", "+14155550401", "Alice");
      const bob = await signUp(web, "instagram", "bob4", "Bob");
      await startChat(alice, "bob4@instagram");
      await send(alice, "Tell me something");
      await openChatNamed(bob, /14155550401/);
      await send(bob, "Accepting by answering");
      await expectMessage(alice, "Accepting by answering");
      const indicator = alice.page.getByRole("status").filter({ hasText: "is typing…" });
      expect(await indicator.count()).toBe(0);
      await bob.page.getByRole("textbox", { name: "Message" }).pressSequentially("Something");
      await indicator.filter({ hasText: /^(Bob|bob4) is typing…$/ }).waitFor();
      await bob.page.getByRole("button", { name: "Send" }).click();
      await expectMessage(alice, "Something");
      await indicator.waitFor({ state: "detached" });
      expect(await seriousViolations(alice.page), "typing").toEqual([]);
      await alice.context.close();
      await bob.context.close();
    });

    it("WB13: a request is listed with Accept, Decline and Block; declining removes the chat", async () => {
      const alice = await signUp(web, "whatsapp", "+14155550501", "Alice");
      const cy = await signUp(web, "messenger", "cy@example.com", "Cy");
      const bob = await signUp(web, "instagram", "bob5", "Bob");
      const gus = await signUp(web, "whatsapp", "+14155550502", "Gus");
      await startChat(alice, "bob5@instagram");
      await send(alice, "Hello from a stranger");
      await startChat(cy, "bob5@instagram");
      await send(cy, "Spam, spam, spam");
      await startChat(gus, "bob5@instagram");
      await send(gus, "Buy my stuff");
      const list = bob.page.getByRole("list", { name: "Requests" });
      const fromAlice = list.getByRole("listitem").filter({ hasText: "Hello from a stranger" });
      const fromCy = list.getByRole("listitem").filter({ hasText: "Spam, spam, spam" });
      await fromAlice.waitFor();
      await fromCy.waitFor();
      const fromGus = list.getByRole("listitem").filter({ hasText: "Buy my stuff" });
      await fromGus.waitFor();
      expect(await seriousViolations(bob.page), "requests").toEqual([]);
      await fromGus.getByRole("button", { name: "Block" }).click();
      await fromGus.waitFor({ state: "detached" });
      await bob.page
        .getByRole("list", { name: "Chats" })
        .getByRole("button", { name: /14155550502/ })
        .waitFor({ state: "detached" });

      await fromAlice.getByRole("button", { name: "Accept" }).click();
      await fromAlice.waitFor({ state: "detached" });
      // Accepted: it stays in the chats, and receipts flow (PP3): Alice's message is read once Bob opens it.
      await openChatNamed(bob, /14155550501/);
      await messageWith(alice, "Hello from a stranger").getByRole("img", { name: "Read" }).waitFor();

      await fromCy.getByRole("button", { name: "Decline" }).click();
      await fromCy.waitFor({ state: "detached" });
      await bob.page
        .getByRole("list", { name: "Chats" })
        .getByRole("button", { name: /cy/ })
        .waitFor({ state: "detached" });
      await bob.page.reload();
      await bob.page
        .getByRole("list", { name: "Chats" })
        .getByRole("button", { name: /14155550501/ })
        .waitFor();
      expect(
        await bob.page.getByRole("list", { name: "Chats" }).getByRole("button", { name: /cy/ }).count(),
      ).toBe(0);
      await alice.context.close();
      await bob.context.close();
      await cy.context.close();
      await gus.context.close();
    });

    it("WB14: the disappearing timer set in the chat header shows on both screens", async () => {
      const alice = await signUp(web, "whatsapp", "+14155550601", "Alice");
      const dan = await signUp(web, "whatsapp", "+14155550602", "Dan");
      await startChat(alice, "+14155550602@whatsapp");
      await send(alice, "Let this one go");
      // Dan's device has it, his chat is not open: delivered, not read (RS4).
      await messageWith(alice, "Let this one go").getByRole("img", { name: "Delivered" }).waitFor();
      await openChatNamed(dan, /14155550601/);
      await messageWith(alice, "Let this one go").getByRole("img", { name: "Read" }).waitFor();
      await expectMessage(dan, "Let this one go");
      const timer = (p: Person) => p.page.getByRole("combobox", { name: "Disappearing messages" });
      expect(await timer(alice).inputValue()).toBe("");
      await timer(alice).selectOption({ label: "1 hour" });
      await expect.poll(() => timer(dan).inputValue(), { timeout: 20_000 }).toBe("3600");
      await dan.page.reload();
      await openChatNamed(dan, /14155550601/);
      await expect.poll(() => timer(dan).inputValue(), { timeout: 20_000 }).toBe("3600");
      expect(await seriousViolations(dan.page), "timer").toEqual([]);
      await alice.context.close();
      await dan.context.close();
    });

    it("WB15: people show by the name they shared, with their handle in the chat list", async () => {
      const erin = await signUp(web, "messenger", "erin@example.com", "Erin Example");
      const finn = await signUp(web, "messenger", "finn@example.com", "Finn");
      await startChat(erin, "finn@example.com@messenger");
      await send(erin, "Names travel with texts");
      const row = finn.page
        .getByRole("list", { name: "Chats" })
        .getByRole("button", { name: /Erin Example/ });
      await row.waitFor();
      expect(await row.textContent()).toContain("erin@example.com");
      await row.click();
      await finn.page
        .getByRole("log", { name: "Messages" })
        .getByRole("article", { name: "Erin Example: Names travel with texts" })
        .waitFor();
      await finn.page.getByRole("heading", { name: "Erin Example" }).waitFor();
      expect(await seriousViolations(finn.page), "names").toEqual([]);
      await erin.context.close();
      await finn.context.close();
    });
  },
  {
    // Instagram holds first contact from other apps as a message request (DIR4, PP3): Bob is on Instagram.
    apps: DEMO_APPS.map((app) => (app.id === "instagram" ? { ...app, reach: "requests" as const } : app)),
  },
);
