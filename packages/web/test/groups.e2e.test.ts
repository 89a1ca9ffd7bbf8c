/**
 * Groups on screen (SPEC GR, WB17): admins, rename and leave from the
 * Members dialog, across three brands, in Chromium against a real hub;
 * driven only by the accessibility contract of packages/web/README.md.
 */
import { expect, it } from "vitest";
import { seriousViolations } from "./axe.js";
import { expectMessage, openChatNamed, send, signUp, type Person, webSuite } from "./harness.js";

function membersDialog(person: Person) {
  return person.page.getByRole("dialog", { name: "Members" });
}

async function openMembers(person: Person) {
  await person.page.getByRole("button", { name: "Members", exact: true }).click();
  const dialog = membersDialog(person);
  // The member list is on screen once the group's settings are read.
  await dialog.getByRole("list", { name: "Members" }).getByRole("listitem").first().waitFor();
  return dialog;
}

webSuite("groups on screen: admins, rename, leave", (web) => {
  it("[WB17] an admin makes another one, who renames the group for everyone; a member leaves and is gone from every list", async () => {
    const ada = await signUp(web, "instagram", "ada17", "Ada");
    const ben = await signUp(web, "whatsapp", "+14155550171", "Ben");
    const cal = await signUp(web, "messenger", "cal17@example.com", "Cal");
    const benAddress = "+14155550171@whatsapp";
    const calAddress = "cal17@example.com@messenger";

    await ada.page.getByRole("button", { name: "New group" }).click();
    const create = ada.page.getByRole("dialog", { name: "New group" });
    await create.getByRole("textbox", { name: "Group name" }).fill("Trip");
    await create.getByRole("textbox", { name: "Members" }).fill(`${benAddress}, ${calAddress}`);
    await create.getByRole("button", { name: "Create group" }).click();
    await send(ada, "hello all");
    await openChatNamed(ben, "Trip");
    await expectMessage(ben, "hello all");
    await openChatNamed(cal, "Trip");
    await expectMessage(cal, "hello all");

    // Ben is no admin: he sees the members and Leave, and nothing that manages the group (GR2).
    const benMembers = await openMembers(ben);
    await benMembers.getByRole("button", { name: "Leave group" }).waitFor();
    expect(await benMembers.getByRole("textbox", { name: "Group name" }).count()).toBe(0);
    expect(await benMembers.getByRole("button", { name: /^Make admin/ }).count()).toBe(0);
    expect(await benMembers.getByRole("button", { name: /^Remove/ }).count()).toBe(0);
    await benMembers.getByRole("button", { name: "Close" }).click();

    // Ada, the creator, is the admin (GR1): she makes Ben one.
    const adaMembers = await openMembers(ada);
    expect(await seriousViolations(ada.page), "members, as an admin").toEqual([]);
    await adaMembers.getByRole("button", { name: `Make admin ${benAddress}` }).click();
    await adaMembers.getByRole("button", { name: `Remove admin ${benAddress}` }).waitFor();
    await adaMembers.getByRole("button", { name: "Close" }).click();

    // Ben's dialog now manages the group: he renames it, and every screen shows the new name.
    await openMembers(ben);
    await benMembers.getByRole("textbox", { name: "Group name" }).fill("Trip to Lisbon");
    await benMembers.getByRole("button", { name: "Rename" }).click();
    await benMembers.getByRole("button", { name: "Close" }).click();
    for (const person of [ada, ben, cal]) {
      await person.page.getByRole("heading", { name: "Trip to Lisbon" }).waitFor();
      await person.page
        .getByRole("list", { name: "Chats" })
        .getByRole("button", { name: /Trip to Lisbon/ })
        .waitFor();
    }

    // Ada takes the role back: Ben's open dialog follows the group event and stops offering the rename.
    await openMembers(ben);
    await benMembers.getByRole("textbox", { name: "Group name" }).waitFor();
    await openMembers(ada);
    await adaMembers.getByRole("button", { name: `Remove admin ${benAddress}` }).click();
    await adaMembers.getByRole("button", { name: `Make admin ${benAddress}` }).waitFor();
    await adaMembers.getByRole("button", { name: "Close" }).click();
    await benMembers.getByRole("textbox", { name: "Group name" }).waitFor({ state: "detached" });
    await benMembers.getByRole("button", { name: "Close" }).click();

    // Cal leaves: the chat closes and leaves her list; the others' member lists drop her.
    const calMembers = await openMembers(cal);
    expect(await seriousViolations(cal.page), "members, as a member").toEqual([]);
    await calMembers.getByRole("button", { name: "Leave group" }).click();
    await cal.page
      .getByRole("list", { name: "Chats" })
      .getByRole("button", { name: /Trip to Lisbon/ })
      .waitFor({
        state: "detached",
      });
    await cal.page.getByRole("log", { name: "Messages" }).waitFor({ state: "detached" });
    await openMembers(ada);
    await adaMembers
      .getByRole("list", { name: "Members" })
      .getByRole("listitem")
      .filter({ hasText: calAddress })
      .waitFor({ state: "detached" });
    await adaMembers.getByRole("button", { name: "Close" }).click();
    await send(ada, "Cal has gone");
    await expectMessage(ben, "Cal has gone");

    for (const person of [ada, ben, cal]) await person.context.close();
  });
});
