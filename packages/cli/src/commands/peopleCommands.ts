/**
 * People (SPEC PP): `profile name <text>`, message requests (`requests`,
 * `requests accept|decline <conversation>`), and blocking (`block`,
 * `unblock`, `blocked`). Names are shown wherever a person is (printMessages.ts).
 */
import type { Command } from "commander";
import type { MessageRequest, SwitchboardClient } from "@switchboard/client";
import { clientFlags, withClient } from "./profile.js";
import { rememberNames } from "./printMessages.js";

const out = (line: string) => process.stdout.write(`${line}\n`);

function connected(command: Command, fn: (client: SwitchboardClient) => Promise<void>): Promise<void> {
  return withClient(clientFlags(command), async (client) => {
    await client.connect();
    await fn(client);
  });
}

/** Learn the names of everyone this device shares a conversation with, for printing (PP2). */
export async function loadNames(client: SwitchboardClient): Promise<void> {
  const known = new Map<string, string>();
  for (const c of await client.conversations())
    for (const address of [...c.participants, ...(c.peer ? [c.peer] : [])]) {
      if (known.has(address)) continue;
      const name = await client.people.nameOf(address);
      if (name !== undefined) known.set(address, name);
    }
  rememberNames(known);
}

/** The CLI contract's `request` object (packages/cli/README.md). */
export function requestObject(request: MessageRequest): Record<string, unknown> {
  return {
    kind: "request",
    conversation: request.conversationId,
    from: request.from,
    fromName: request.fromName,
    preview: request.preview,
    at: new Date(request.at).toISOString(),
  };
}

export function formatRequest(request: MessageRequest, json: boolean): string {
  if (json) return JSON.stringify(requestObject(request));
  const who = request.fromName === request.from ? request.from : `${request.fromName} (${request.from})`;
  const preview = request.preview === "" ? "" : `: ${request.preview}`;
  return `request from ${who}${preview}  [switchboard requests accept|decline ${request.conversationId}]`;
}

export function addPeopleCommands(program: Command): void {
  const profile = program.command("profile").description("what others see of you");
  profile
    .command("name [text]")
    .description("show your display name, or set it: every conversation gets it, end to end encrypted")
    .action(async (text: string | undefined, _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        if (text === undefined) {
          out(await client.people.myName());
          return;
        }
        await client.connect();
        const set = await client.people.setName(text);
        out(`name set to ${set.name} (shared in ${set.conversations} conversations)`);
      });
    });

  const requests = program
    .command("requests")
    .description("message requests: first messages from people on other apps you have no conversation with");
  requests
    .command("list", { isDefault: true })
    .description("list pending requests")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await connected(command, async (client) => {
        await client.sync();
        for (const request of await client.people.requests())
          out(formatRequest(request, options.json ?? false));
      });
    });
  requests
    .command("accept <conversation>")
    .description("move a request to your chats; the sender then gets your name, receipts and typing")
    .action(async (conversation: string, _options: unknown, command: Command) => {
      await connected(command, async (client) => {
        await client.people.accept(conversation);
        out(`accepted ${conversation}`);
      });
    });
  requests
    .command("decline <conversation>")
    .description("delete a request on all your devices; --block also blocks its sender")
    .option("--block", "block the sender too")
    .action(async (conversation: string, options: { block?: boolean }, command: Command) => {
      await connected(command, async (client) => {
        await client.people.decline(conversation, { block: options.block ?? false });
        out(`declined ${conversation}${options.block ? " and blocked its sender" : ""}`);
      });
    });

  program
    .command("block <address>")
    .description("stop an account's new messages and invitations at the hub (they are not told)")
    .action(async (address: string, _options: unknown, command: Command) => {
      await connected(command, async (client) => {
        out(`blocked ${await client.people.block(address)}`);
      });
    });
  program
    .command("unblock <address>")
    .description("let a blocked account reach you again")
    .action(async (address: string, _options: unknown, command: Command) => {
      await connected(command, async (client) => {
        out(`unblocked ${await client.people.unblock(address)}`);
      });
    });
  program
    .command("blocked")
    .description("list the accounts you blocked")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await connected(command, async (client) => {
        for (const b of await client.people.blocked())
          out(
            options.json
              ? JSON.stringify({ address: b.address, blockedAt: new Date(b.blockedAt).toISOString() })
              : b.address,
          );
      });
    });
}
