/**
 * The content features on screen (issue 16, SPEC WB9+): status ticks and
 * read receipts, replies, reactions, edits, deletes, typing; driven only by
 * the accessibility contract of packages/web/README.md.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing } from "../../../devkit/chromium.js";
import { seriousViolations } from "./axe.js";
import {
  buildWebClient,
  expectMessage,
  openChatNamed,
  send,
  signUp,
  startChat,
  startWebHub,
  type Person,
  type WebHub,
} from "./harness.js";

const missing = chromiumMissing();
if (missing && process.env.CI !== "true") console.warn(`\n!!! web content e2e: ${missing}: SKIPPED\n`);
const suite = missing && process.env.CI !== "true" ? describe.skip : describe;

function messageWith(person: Person, text: string) {
  return person.page.getByRole("log", { name: "Messages" }).getByRole("article").filter({ hasText: text });
}

suite("the content features on screen", () => {
  let web: WebHub;

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    web = await startWebHub(await buildWebClient());
  });
  afterAll(async () => {
    await web?.close();
  });

  it("WB9/WB10: own messages show sent, then read once the other person has the chat open", async () => {
    const alice = await signUp(web, "whatsapp", "+14155550201", "Alice");
    const bob = await signUp(web, "instagram", "bob2", "Bob");
    await startChat(alice, "bob2@instagram");
    await send(alice, "Are you there?");
    // A pending request shares no receipts (PP3): the message stays sent.
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
});
