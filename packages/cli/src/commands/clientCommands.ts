/** The device commands: register, send, group, conversations, sync, listen. */
import type { Command } from "commander";
import type { SwitchboardClient } from "@switchboard/client";
import { clientFlags, openProfile, withClient } from "./profile.js";
import { printCreated } from "./contentCommands.js";
import { takePending, type Change } from "./changeLog.js";
import { formatChange, formatMessage } from "./printMessages.js";
import {
  attachmentSummaries,
  removeDeletedCopies,
  sendFileCommand,
  type FileOptions,
} from "./fileCommands.js";

type SendOptions = FileOptions & { json?: boolean };

const out = (line: string) => process.stdout.write(`${line}\n`);

export function addClientCommands(program: Command): void {
  program
    .option("--profile <dir>", "the device's keys and state (default ~/.switchboard/default)")
    .option("--server <url>", "hub URL (default $SWITCHBOARD_SERVER or http://127.0.0.1:8787)");

  program
    .command("register <address>")
    .description(
      "create an account handle@app with this device (with --code on an app that verifies: " +
        "moves an existing account here and revokes its old devices)",
    )
    .option("--name <name>", "display name", "")
    .option("--code <code>", "the verification code from `switchboard request-code`")
    .action(async (address: string, options: { name: string; code?: string }, command: Command) => {
      const flags = clientFlags(command);
      const client = await openProfile(flags, { registered: false });
      try {
        const identity = await client.register(flags.server, address, options.name, {
          ...(options.code === undefined ? {} : { verificationCode: options.code }),
        });
        out(`registered ${identity.address} (device ${identity.deviceId})`);
      } finally {
        await client.close();
      }
    });

  program
    .command("request-code <address>")
    .description("have the app send a verification code to a phone number or email, for register --code")
    .action(async (address: string, _options: unknown, command: Command) => {
      const flags = clientFlags(command);
      const client = await openProfile(flags, { registered: false });
      try {
        const sent = await client.requestVerificationCode(flags.server, address);
        out(`code sent for ${sent.address}; valid until ${new Date(sent.expiresAt).toISOString()}`);
      } finally {
        await client.close();
      }
    });

  program
    .command("send <to> [text]")
    .description(
      "send a text (or --file) to an address (its direct conversation) or a conversation id; prints its id",
    )
    .option("--json", 'print {"conversation","id","seq"}')
    .option("--file <path>", "send a file, end-to-end encrypted (run again to resume an interrupted upload)")
    .option("--caption <text>", "the file's caption")
    .action(async (to: string, given: string | undefined, options: SendOptions, command: Command) => {
      const text = given ?? "";
      if (options.file !== undefined)
        return sendFileCommand(
          clientFlags(command),
          to,
          options.file,
          options.caption ?? text,
          options.json ?? false,
        );
      if (text.trim() === "") throw new Error("a message needs some text");
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        const message = await client.sendText(to, text);
        printCreated(
          { conversation: message.conversationId, id: message.id, seq: message.seq },
          options.json ?? false,
        );
      });
    });

  const group = program.command("group").description("create and change groups");
  group
    .command("create <title> <addresses...>")
    .description("create a group; prints its conversation id")
    .action(async (title: string, addresses: string[], _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        out(await client.createGroup(title, addresses));
      });
    });
  group
    .command("add <conversation> <addresses...>")
    .description("add people to a group")
    .action(async (conversation: string, addresses: string[], _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        await client.addMembers(conversation, addresses);
        out(`added ${addresses.join(", ")}`);
      });
    });
  group
    .command("remove <conversation> <address>")
    .description("remove a person (all their devices) from a group")
    .action(async (conversation: string, address: string, _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        await client.removeMember(conversation, address);
        out(`removed ${address}`);
      });
    });

  program
    .command("conversations")
    .description("list this device's conversations")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        for (const c of await client.conversations()) {
          if (options.json) {
            out(
              JSON.stringify({
                id: c.id,
                kind: c.kind,
                title: c.title,
                peer: c.peer,
                participants: c.participants,
                epoch: c.epoch,
                lastSeq: c.appliedSeq,
                active: c.active,
              }),
            );
          } else {
            const name = c.kind === "direct" ? `direct with ${c.peer ?? "?"}` : `group "${c.title}"`;
            out(`${c.id}  ${name}  (${c.participants.join(", ")})${c.active ? "" : "  [left]"}`);
          }
        }
      });
    });

  program
    .command("sync")
    .description("fetch and print everything new (messages, reactions, edits, deletes), then exit")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client, changes) => {
        const pending = await takePending(client);
        await client.sync();
        await printUnseen(client, options.json ?? false, [...pending, ...changes.drain()]);
      });
    });

  program
    .command("listen")
    .description("stay connected and print messages as they arrive (Ctrl-C to stop)")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      const client = await openProfile(clientFlags(command));
      const json = options.json ?? false;
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      process.once("SIGTERM", () => stop.abort());
      client.events.on("error", ({ error, context }) =>
        process.stderr.write(
          `switchboard: ${context}: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
      );
      // Print what arrives from now on; what arrived while away is printed after the first sync.
      const live = client.stream(stop.signal);
      // Changes that came while away are printed with the messages after the first sync; then live.
      const early = await takePending(client);
      let printLive = false;
      for (const kind of ["reaction", "edit", "delete"] as const)
        client.events.on(kind, (change) => {
          if (printLive) void printChange(client, change, json);
          else early.push(change);
        });
      client.events.on("delete", () => void removeDeletedCopies(client));
      await client.connect();
      await printUnseen(client, json, early);
      printLive = true;
      try {
        for await (const message of live) {
          if (message.senderDeviceId === client.deviceId) continue;
          const conversation = (await client.conversations()).find((c) => c.id === message.conversationId);
          out(formatMessage(message, conversation, json, await attachmentSummaries(client, message)));
          await markSeen(client, message.conversationId, message.seq ?? 0);
        }
      } finally {
        await client.close();
      }
    });
}

/**
 * Print messages from others this profile has not printed yet, with the
 * given changes to messages, in log order per conversation; remember how far it got.
 */
async function printUnseen(client: SwitchboardClient, json: boolean, changes: Change[] = []): Promise<void> {
  await removeDeletedCopies(client);
  for (const conversation of await client.conversations()) {
    const seen = Number((await client.getMeta(`printed.${conversation.id}`)) ?? 0);
    let last = seen;
    const lines: { seq: number; line: string }[] = [];
    for (const message of await client.messages(conversation.id, { afterSeq: seen })) {
      if (message.seq === null) continue;
      last = Math.max(last, message.seq);
      if (message.senderDeviceId === client.deviceId) continue;
      const files = await attachmentSummaries(client, message);
      lines.push({ seq: message.seq, line: formatMessage(message, conversation, json, files) });
    }
    for (const change of changes)
      if (change.conversationId === conversation.id)
        lines.push({ seq: change.seq, line: formatChange(change, conversation, json) });
    for (const { line } of lines.sort((a, b) => a.seq - b.seq)) out(line);
    if (last > seen) await markSeen(client, conversation.id, last);
  }
}

async function markSeen(client: SwitchboardClient, conversationId: string, seq: number): Promise<void> {
  const key = `printed.${conversationId}`;
  if (Number((await client.getMeta(key)) ?? 0) < seq) await client.setMeta(key, String(seq));
}

async function printChange(client: SwitchboardClient, change: Change, json: boolean): Promise<void> {
  const conversation = (await client.conversations()).find((c) => c.id === change.conversationId);
  out(formatChange(change, conversation, json));
}
