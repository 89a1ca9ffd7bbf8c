/** The device commands: register, send, group, conversations, sync, listen. */
import type { Command } from "commander";
import type { GroupEvent, MessageRequest, SwitchboardClient } from "@switchboard/client";
import { clientFlags, openProfile, reportConnection, withClient, withNewProfile } from "./profile.js";
import { printCreated } from "./contentCommands.js";
import { takePending, type Change } from "./changeLog.js";
import { formatChange, formatMessage } from "./printMessages.js";
import { printNewReceipts, printStatusLive } from "./statusCommands.js";
import { formatRequest, loadNames } from "./peopleCommands.js";
import { addGroupCommands, formatGroupEvent } from "./groupCommands.js";
import { recordGroupEvents, takePendingGroupEvents } from "./groupLog.js";
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
      await withNewProfile(flags, async (client) => {
        const identity = await client.register(flags.server, address, options.name, {
          ...(options.code === undefined ? {} : { verificationCode: options.code }),
        });
        out(`registered ${identity.address} (device ${identity.deviceId})`);
      });
    });

  program
    .command("request-code <address>")
    .description("have the app send a verification code to a phone number or email, for register --code")
    .action(async (address: string, _options: unknown, command: Command) => {
      const flags = clientFlags(command);
      await withNewProfile(flags, async (client) => {
        const sent = await client.requestVerificationCode(flags.server, address);
        out(`code sent for ${sent.address}; valid until ${new Date(sent.expiresAt).toISOString()}`);
      });
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
  addGroupCommands(group);

  program
    .command("conversations")
    .description("list this device's conversations")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await loadNames(client);
        for (const c of await client.conversations()) {
          // [PP3] requests are listed by `requests`, not among the chats; declined ones are gone.
          if (!(await client.people.inChats(c.id))) continue;
          const peerName = c.peer === null ? null : await client.people.displayName(c.peer);
          if (options.json) {
            out(
              JSON.stringify({
                id: c.id,
                kind: c.kind,
                title: c.title,
                peer: c.peer,
                peerName,
                participants: c.participants,
                epoch: c.epoch,
                lastSeq: c.appliedSeq,
                active: c.active,
              }),
            );
          } else {
            const peer = c.peer === null ? "?" : peerName === c.peer ? c.peer : `${peerName} (${c.peer})`;
            const name = c.kind === "direct" ? `direct with ${peer}` : `group "${c.title}"`;
            const people = await Promise.all(c.participants.map((p) => client.people.displayName(p)));
            out(`${c.id}  ${name}  (${people.join(", ")})${c.active ? "" : "  [left]"}`);
          }
        }
      });
    });

  program
    .command("sync")
    .description("fetch and print everything new (messages, reactions, edits, deletes), then exit")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client, changes, groupEvents) => {
        const pending = await takePending(client);
        const pendingEvents = await takePendingGroupEvents(client);
        await client.sync();
        // [XP5] what expired, fetched or not, is deleted before anything is printed.
        await client.expiry.sweep();
        await printUnseen(
          client,
          options.json ?? false,
          [...pending, ...changes.drain()],
          [...pendingEvents, ...groupEvents.drain()],
        );
        await printNewReceipts(client, options.json ?? false);
      });
    });

  program
    .command("listen")
    .description("stay connected and print messages as they arrive (Ctrl-C to stop)")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      const flags = clientFlags(command);
      const client = await openProfile(flags, { stayConnected: true });
      reportConnection(client, flags);
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
      const earlyEvents = await takePendingGroupEvents(client);
      const groupEvents = recordGroupEvents(client); // [GR4] kept for history too
      let printLive = false;
      for (const kind of ["reaction", "edit", "delete"] as const)
        client.events.on(kind, (change) => {
          if (printLive) void printChange(client, change, json);
          else early.push(change);
        });
      client.events.on("group", (event) => {
        if (event.by === client.address) return;
        if (printLive) void printGroupEvent(client, event, json);
        else earlyEvents.push(event);
      });
      client.events.on("timer", (timer) => {
        if (printLive) void printChange(client, { kind: "timer", ...timer }, json);
        else early.push({ kind: "timer", ...timer });
      });
      client.events.on("delete", () => void removeDeletedCopies(client));
      await client.connect();
      client.expiry.start();
      await printUnseen(client, json, early, earlyEvents);
      await printNewReceipts(client, json);
      printStatusLive(client, json);
      printLive = true;
      try {
        for await (const message of live) {
          if (message.senderDeviceId === client.deviceId) continue;
          // [XP5] one that expired before it arrived is swept, never shown.
          if (message.expiresAt !== null && message.expiresAt <= Date.now()) continue;
          const conversation = (await client.conversations()).find((c) => c.id === message.conversationId);
          await loadNames(client);
          const request = await pendingRequest(client, message.conversationId);
          const files = await attachmentSummaries(client, message);
          out(request ? formatRequest(request, json) : formatMessage(message, conversation, json, files));
          await markSeen(client, message.conversationId, message.seq ?? 0);
        }
      } finally {
        await groupEvents.settled();
        await client.close();
      }
    });
}

/**
 * Print messages from others this profile has not printed yet, with the
 * given changes to messages, in log order per conversation; remember how far it got.
 */
async function printUnseen(
  client: SwitchboardClient,
  json: boolean,
  changes: Change[] = [],
  events: GroupEvent[] = [],
): Promise<void> {
  await loadNames(client);
  await removeDeletedCopies(client);
  for (const conversation of await client.conversations()) {
    const seen = Number((await client.getMeta(`printed.${conversation.id}`)) ?? 0);
    let last = seen;
    const lines: { seq: number; line: string }[] = [];
    // [PP3] a pending request shows as one `request` line, not as its messages.
    const request = await pendingRequest(client, conversation.id);
    for (const message of await client.messages(conversation.id, { afterSeq: seen })) {
      if (message.seq === null) continue;
      last = Math.max(last, message.seq);
      if (message.senderDeviceId === client.deviceId) continue;
      const files = await attachmentSummaries(client, message);
      const line = request ? formatRequest(request, json) : formatMessage(message, conversation, json, files);
      if (!request || lines.length === 0) lines.push({ seq: message.seq, line });
    }
    for (const change of changes)
      if (change.conversationId === conversation.id)
        lines.push({ seq: change.seq, line: formatChange(change, conversation, json) });
    // As with messages, what this account did itself is not news (history shows it).
    for (const event of events)
      if (event.conversationId === conversation.id && event.by !== client.address)
        lines.push({ seq: event.seq, line: formatGroupEvent(event, conversation, json) });
    for (const { line } of lines.sort((a, b) => a.seq - b.seq)) out(line);
    if (last > seen) await markSeen(client, conversation.id, last);
  }
}

async function markSeen(client: SwitchboardClient, conversationId: string, seq: number): Promise<void> {
  const key = `printed.${conversationId}`;
  if (Number((await client.getMeta(key)) ?? 0) < seq) await client.setMeta(key, String(seq));
}

async function printGroupEvent(client: SwitchboardClient, event: GroupEvent, json: boolean): Promise<void> {
  const conversation = (await client.conversations()).find((c) => c.id === event.conversationId);
  out(formatGroupEvent(event, conversation, json));
}

async function printChange(client: SwitchboardClient, change: Change, json: boolean): Promise<void> {
  const conversation = (await client.conversations()).find((c) => c.id === change.conversationId);
  out(formatChange(change, conversation, json));
}

async function pendingRequest(
  client: SwitchboardClient,
  conversationId: string,
): Promise<MessageRequest | undefined> {
  if (!(await client.people.isPendingRequest(conversationId))) return undefined;
  return (await client.people.requests()).find((r) => r.conversationId === conversationId);
}
