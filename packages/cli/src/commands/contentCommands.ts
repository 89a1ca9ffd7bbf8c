/**
 * Commands that change messages or show their history: reply, react, edit,
 * delete, history (SPEC CT4-CT13). Every command that creates a message
 * prints its id, or with --json {"conversation","id","seq"}.
 */
import { attachmentSummaries } from "./fileCommands.js";
import type { Command } from "commander";
import type { SwitchboardClient } from "@switchboard/client";
import { clientFlags, withClient } from "./profile.js";
import { formatChange, formatMessage, messageObject, nameOf, reactionObject } from "./printMessages.js";
import { TICKS, messageStatusOf, receiptObject } from "./statusCommands.js";
import { loadNames } from "./peopleCommands.js";
import { formatGroupEvent } from "./groupCommands.js";
import { groupHistory } from "./groupLog.js";

const out = (line: string) => process.stdout.write(`${line}\n`);

/** What a command that created a message prints. */
export function printCreated(
  created: { conversation: string; id: string; seq: number | null },
  json: boolean,
): void {
  out(
    json
      ? JSON.stringify({ conversation: created.conversation, id: created.id, seq: created.seq })
      : created.id,
  );
}

function connected(command: Command, fn: (client: SwitchboardClient) => Promise<void>): Promise<void> {
  return withClient(clientFlags(command), async (client) => {
    await client.connect();
    await fn(client);
  });
}

export function addContentCommands(program: Command): void {
  program
    .command("reply <conversation> <message-id> <text>")
    .description("reply to a message; prints the reply's id")
    .option("--json", 'print {"conversation","id","seq"}')
    .action(
      async (
        conversation: string,
        messageId: string,
        text: string,
        options: { json?: boolean },
        command: Command,
      ) => {
        await connected(command, async (client) => {
          const sent = await client.reply(conversation, messageId, text);
          printCreated({ conversation, id: sent.id, seq: sent.seq }, options.json ?? false);
        });
      },
    );

  program
    .command("react <conversation> <message-id> [emoji]")
    .description(
      "react to a message (one reaction per person: a new one replaces yours); --remove takes yours away",
    )
    .option("--remove", "take your reaction away")
    .option("--json", 'print {"conversation","id","seq"}')
    .action(
      async (
        conversation: string,
        messageId: string,
        emoji: string | undefined,
        options: { remove?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (!options.remove && (emoji === undefined || emoji.trim() === ""))
          throw new Error("react needs an emoji, or --remove");
        await connected(command, async (client) => {
          const sent = await client.react(conversation, messageId, options.remove ? null : emoji!);
          if (sent === null) throw new Error("you have no reaction on that message to remove");
          printCreated({ conversation, id: sent.id, seq: sent.seq }, options.json ?? false);
        });
      },
    );

  program
    .command("edit <conversation> <message-id> <text>")
    .description("edit your own message (within 24 hours, at most 10 times)")
    .option("--json", 'print {"conversation","id","seq"}')
    .action(
      async (
        conversation: string,
        messageId: string,
        text: string,
        options: { json?: boolean },
        command: Command,
      ) => {
        await connected(command, async (client) => {
          const sent = await client.edit(conversation, messageId, text);
          printCreated({ conversation, id: sent.id, seq: sent.seq }, options.json ?? false);
        });
      },
    );

  program
    .command("delete <conversation> <message-id>")
    .description(
      "delete your own message for everyone (within 48 hours); --for-me forgets it on this device only",
    )
    .option("--for-me", "delete on this device only; nothing is sent")
    .option("--json", 'print {"conversation","id","seq"}')
    .action(
      async (
        conversation: string,
        messageId: string,
        options: { forMe?: boolean; json?: boolean },
        command: Command,
      ) => {
        if (options.forMe) {
          await withClient(clientFlags(command), async (client) => {
            await client.deleteForMe(conversation, messageId);
            out(
              options.json
                ? JSON.stringify({ conversation, id: messageId.toLowerCase(), seq: null })
                : "deleted for you",
            );
          });
          return;
        }
        await connected(command, async (client) => {
          const sent = await client.deleteForEveryone(conversation, messageId);
          printCreated({ conversation, id: sent.id, seq: sent.seq }, options.json ?? false);
        });
      },
    );

  program
    .command("history <conversation>")
    .description("show a conversation's stored messages, with replies, reactions, edited and deleted marks")
    .option("--json", "one JSON object per line: each message, then its reactions")
    .option("--limit <n>", "only the last n messages")
    .action(async (conversationId: string, options: { json?: boolean; limit?: string }, command: Command) => {
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0))
        throw new Error(`--limit must be a positive whole number, got "${options.limit}"`);
      await withClient(clientFlags(command), async (client) => {
        const conversation = (await client.conversations()).find((c) => c.id === conversationId);
        await loadNames(client);
        if (!conversation) throw new Error(`no conversation ${conversationId} on this device`);
        const all = await client.messages(conversationId);
        const shown = limit === undefined ? all : all.slice(-limit);
        // [GR4] membership events, in log order among the messages.
        const events = await groupHistory(client, conversationId);
        const printEventsUpTo = (seq: number) => {
          while (events.length > 0 && events[0]!.seq <= seq)
            out(formatGroupEvent(events.shift()!, conversation, options.json ?? false));
        };
        const firstShown = shown[0]?.seq ?? Number.MAX_SAFE_INTEGER;
        // --limit: events older than the first message shown are cut with the messages.
        if (shown.length < all.length)
          while (events.length > 0 && events[0]!.seq < firstShown) events.shift();
        // [XP3] timer changes, in log order among the messages shown.
        const from = limit === undefined ? 0 : (shown[0]?.seq ?? 0);
        const timers = (await client.expiry.timerChanges(conversationId)).filter((t) => t.seq > from);
        const printTimersBefore = (seq: number) => {
          while (timers.length > 0 && timers[0]!.seq < seq)
            out(formatChange({ kind: "timer", ...timers.shift()! }, conversation, options.json ?? false));
        };
        for (const message of shown) {
          printEventsUpTo(message.seq ?? Number.MAX_SAFE_INTEGER);
          printTimersBefore(message.seq ?? Number.MAX_SAFE_INTEGER);
          const reactions = await client.reactions(conversationId, message.id);
          const status = await messageStatusOf(client, message);
          const files = await attachmentSummaries(client, message);
          if (options.json) {
            out(JSON.stringify({ ...messageObject(message, files), status }));
            for (const r of reactions) out(JSON.stringify(reactionObject(r)));
            if (message.outgoing)
              for (const r of await client.status.receiptsIn(conversationId, message.id))
                out(JSON.stringify(receiptObject(r)));
            continue;
          }
          if (message.replyTo !== null) {
            const quote = await client.quote(conversationId, message.replyTo);
            const quoted = !quote.found
              ? quote.text
              : quote.message.deleted
                ? "(deleted)"
                : quote.message.text;
            out(`  ┌ ${quote.found ? `${nameOf(quote.message.senderAddress)}: ` : ""}${quoted}`);
          }
          const tick = status === null ? "" : (TICKS[status] ?? "");
          out(`${formatMessage(message, conversation, false, files)}${tick}  #${message.id.slice(0, 12)}`);
          if (reactions.length > 0)
            out(`  ${reactions.map((r) => `${r.emoji} ${nameOf(r.senderAddress)}`).join("  ")}`);
        }
        printEventsUpTo(Number.MAX_SAFE_INTEGER);
        printTimersBefore(Number.MAX_SAFE_INTEGER);
      });
    });
}
