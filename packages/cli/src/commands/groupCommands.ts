/**
 * The group commands of issue 15 (SPEC GR): leave, rename, admin, info; and
 * how membership events print in `sync`, `listen` and `history`
 * (packages/cli/README.md is the contract: kinds `member-added`,
 * `member-removed`, `member-left`, `renamed`, `admin`, `timer`).
 */
import type { Command } from "commander";
import type { GroupEvent, LocalConversation } from "@switchboard/client";
import { clientFlags, withClient } from "./profile.js";

const out = (line: string) => process.stdout.write(`${line}\n`);
const iso = (ms: number) => new Date(ms).toISOString();

export function addGroupCommands(group: Command): void {
  group
    .command("leave <conversation>")
    .description("leave a group: every device of this account leaves; sends to it fail from now on")
    .action(async (conversation: string, _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        await client.groups.leave(conversation);
        out(`left ${conversation}`);
      });
    });
  group
    .command("rename <conversation> <title>")
    .description("rename a group (admins only, unless everyone manages it)")
    .action(async (conversation: string, title: string, _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        await client.groups.rename(conversation, title);
        out(`renamed to "${title.trim()}"`);
      });
    });
  group
    .command("admin <conversation> <address>")
    .description("make a member an admin (admins only); --remove makes them no longer one")
    .option("--remove", "take the admin role away")
    .action(
      async (conversation: string, address: string, options: { remove?: boolean }, command: Command) => {
        await withClient(clientFlags(command), async (client) => {
          await client.connect();
          const admin = !(options.remove ?? false);
          await client.groups.setAdmin(conversation, address, admin);
          out(admin ? `${address} is an admin` : `${address} is no longer an admin`);
        });
      },
    );
  group
    .command("info <conversation>")
    .description("show a group's title, admins and members")
    .option("--json", 'print {"conversation","title","admins","everyoneManages","members","active"}')
    .action(async (conversation: string, options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        const local = (await client.conversations()).find((c) => c.id === conversation);
        if (!local) throw new Error(`no conversation ${conversation} on this device`);
        const settings = await client.groups.settings(conversation);
        const info = {
          conversation,
          title: settings.title,
          admins: settings.admins,
          everyoneManages: settings.everyoneManages,
          members: local.participants,
          active: local.active,
        };
        if (options.json) return out(JSON.stringify(info));
        out(`"${info.title}"${info.active ? "" : "  [left]"}`);
        out(`admins: ${info.everyoneManages ? "everyone" : info.admins.join(", ")}`);
        out(`members: ${info.members.join(", ")}`);
      });
    });
}

export function groupEventObject(event: GroupEvent): Record<string, unknown> {
  const common = {
    kind: event.kind,
    conversation: event.conversationId,
    by: event.by,
    seq: event.seq,
    at: iso(event.at),
  };
  switch (event.kind) {
    case "member-added":
    case "member-removed":
    case "member-left":
      return { ...common, member: event.member, address: event.member };
    case "renamed":
      return { ...common, title: event.title };
    case "admin":
      return { ...common, member: event.member, address: event.member, admin: event.admin };
    case "timer":
      return { ...common, seconds: event.seconds };
  }
}

export function formatGroupEvent(
  event: GroupEvent,
  conversation: LocalConversation | undefined,
  json: boolean,
): string {
  if (json) return JSON.stringify(groupEventObject(event));
  const time = new Date(event.at).toLocaleTimeString();
  const where = `[${conversation?.title || event.conversationId.slice(0, 8)}]`;
  const by = event.by ?? "someone";
  const what = (() => {
    switch (event.kind) {
      case "member-added":
        return `${by} added ${event.member}`;
      case "member-removed":
        return `${by} removed ${event.member}`;
      case "member-left":
        return `${event.member} left`;
      case "renamed":
        return `${by} renamed the group to "${event.title}"`;
      case "admin":
        return event.admin
          ? `${by} made ${event.member} an admin`
          : `${by} made ${event.member} no longer an admin`;
      case "timer":
        return `${by} set disappearing messages to ${event.seconds === null ? "off" : `${event.seconds} s`}`;
    }
  })();
  return `${time} ${where} ${what}`;
}
