/**
 * Disappearing messages and search (SPEC XP): `timer <conversation>
 * <off|5m|1h|1d|7d|90d>` sets the conversation's timer by a commit every
 * member sees; `search <text>` finds this device's own stored messages.
 */
import type { Command } from "commander";
import { clientFlags, withClient } from "./profile.js";
import { formatMessage, messageObject } from "./printMessages.js";
import { loadNames } from "./peopleCommands.js";

const out = (line: string) => process.stdout.write(`${line}\n`);

export function addExpiryCommands(program: Command): void {
  program
    .command("timer <conversation> <length>")
    .description("set the conversation's disappearing-message timer: off, 5m, 1h, 1d, 7d or 90d")
    .option("--json", 'print {"conversation","timer","seconds","seq"}')
    .action(async (conversation: string, length: string, options: { json?: boolean }, command: Command) => {
      // Loaded here, not at start: `switchboard --help` need not load the SDK.
      const { parseTimer, timerName } = await import("@switchboard/client");
      const seconds = parseTimer(length);
      if (seconds === undefined) throw new Error(`the timer is off, 5m, 1h, 1d, 7d or 90d, not "${length}"`);
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        const change = await client.expiry.setTimer(conversation, seconds);
        const name = timerName(seconds);
        out(
          options.json
            ? JSON.stringify({ conversation, timer: name, seconds, seq: change?.seq ?? null })
            : change === null
              ? `the timer was already ${name}`
              : `timer set to ${name}`,
        );
      });
    });

  program
    .command("search <text>")
    .description("search this device's own messages (every word, by its start), newest first")
    .option("--json", "one message object per line, as history prints them")
    .option("--limit <n>", "at most n messages (default 50)")
    .action(async (text: string, options: { json?: boolean; limit?: string }, command: Command) => {
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0))
        throw new Error(`--limit must be a positive whole number, got "${options.limit}"`);
      await withClient(clientFlags(command), async (client) => {
        const found = await client.expiry.search(text, limit === undefined ? {} : { limit });
        await loadNames(client);
        const conversations = new Map((await client.conversations()).map((c) => [c.id, c]));
        for (const message of found)
          out(
            options.json
              ? JSON.stringify(messageObject(message))
              : `${formatMessage(message, conversations.get(message.conversationId), false)}  #${message.id.slice(0, 12)}`,
          );
      });
    });
}
