/**
 * Status commands and output (SPEC RS, EP): `read`, `typing`, `settings
 * read-receipts|presence on|off`; the `receipt` and `typing` lines that
 * `sync`, `listen` and `history` print; the status tick on a sent message.
 */
import type { Command } from "commander";
import { nameOf } from "./printMessages.js";
import type { LocalMessage, ReceiptEvent, SwitchboardClient, TypingEvent } from "@switchboard/client";
import { clientFlags, withClient } from "./profile.js";

const out = (line: string) => process.stdout.write(`${line}\n`);
const iso = (ms: number) => new Date(ms).toISOString();

/** Receipts are printed once: those stored after this profile's mark (the hub's time of their report). */
const PRINTED_RECEIPTS = (conversationId: string) => `printedReceipts.${conversationId}`;

function onOff(value: string, setting: string): boolean {
  if (value !== "on" && value !== "off") throw new Error(`${setting} takes "on" or "off", got "${value}"`);
  return value === "on";
}

export function receiptObject(receipt: ReceiptEvent): Record<string, unknown> {
  return {
    kind: "receipt",
    conversation: receipt.conversationId,
    id: receipt.messageId,
    from: receipt.from,
    fromName: nameOf(receipt.from),
    status: receipt.status,
    at: iso(receipt.at),
  };
}

export function formatReceipt(receipt: ReceiptEvent, json: boolean): string {
  if (json) return JSON.stringify(receiptObject(receipt));
  const what = receipt.status === "read" ? "read" : "received";
  return `${new Date(receipt.at).toLocaleTimeString()} ${nameOf(receipt.from)} ${what} #${receipt.messageId.slice(0, 12)}`;
}

export function formatTyping(typing: TypingEvent, json: boolean): string {
  if (json)
    return JSON.stringify({
      kind: "typing",
      conversation: typing.conversationId,
      from: typing.from,
      fromName: nameOf(typing.from),
      expiresAt: iso(typing.expiresAt),
    });
  return `${nameOf(typing.from)} is typing…`;
}

/** A sent message's status for history: "sending", "sent", "delivered" or "read" (null for others' messages). */
export async function messageStatusOf(
  client: SwitchboardClient,
  message: LocalMessage,
): Promise<string | null> {
  return message.outgoing ? client.status.messageStatus(message) : null;
}

export const TICKS: Record<string, string> = {
  sending: " …",
  sent: " ✓",
  delivered: " ✓✓",
  read: " ✓✓ read",
};

/** Print the receipts stored since the last print, per conversation (sync, listen). */
export async function printNewReceipts(client: SwitchboardClient, json: boolean): Promise<void> {
  await client.status.idle();
  for (const conversation of await client.conversations()) {
    const mark = Number((await client.getMeta(PRINTED_RECEIPTS(conversation.id))) ?? 0);
    const fresh = (await client.status.receiptsIn(conversation.id))
      .filter((r) => r.at > mark)
      .sort((a, b) => a.at - b.at);
    for (const receipt of fresh) out(formatReceipt(receipt, json));
    const last = fresh.at(-1);
    if (last) await client.setMeta(PRINTED_RECEIPTS(conversation.id), String(last.at));
  }
}

/** While listening: receipts and typing as they arrive; "online" said once when presence is on (SPEC EP8). */
export function printStatusLive(client: SwitchboardClient, json: boolean): void {
  client.status.announcePresence().catch(() => undefined);
  client.status.events.on("receipt", (receipt) => {
    out(formatReceipt(receipt, json));
    // Printed: a later sync must not print it again (a store closing under it just loses the mark).
    client.setMeta(PRINTED_RECEIPTS(receipt.conversationId), String(receipt.at)).catch(() => undefined);
  });
  client.status.events.on("typing", (typing) => out(formatTyping(typing, json)));
}

export function addStatusCommands(program: Command): void {
  program
    .command("read <conversation>")
    .description("mark every message of a conversation read (sends read receipts unless they are off)")
    .option("--json", 'print {"conversation","read","sent"}')
    .action(async (conversation: string, options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        const { read, sent } = await client.status.markRead(conversation);
        out(
          options.json
            ? JSON.stringify({ conversation, read, sent })
            : `marked ${read} read${read > 0 && !sent ? " (no read receipts sent)" : ""}`,
        );
      });
    });

  program
    .command("typing <conversation>")
    .description("tell the members' online devices you are typing (shown for 15 seconds; never stored)")
    .action(async (conversation: string, _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        out((await client.status.typing(conversation)) ? "typing sent" : "typing not sent");
      });
    });

  const settings = program.command("settings").description("this profile's privacy settings");
  settings
    .command("read-receipts <on|off>")
    .description("off: send no read receipts and see nobody's (delivered receipts still flow)")
    .action(async (value: string, _options: unknown, command: Command) => {
      const on = onOff(value, "read-receipts");
      await withClient(clientFlags(command), async (client) => {
        await client.status.setReadReceipts(on);
        out(`read receipts ${on ? "on" : "off"}`);
      });
    });
  settings
    .command("presence <on|off>")
    .description("on: people you share a conversation with see when you are online (off by default)")
    .action(async (value: string, _options: unknown, command: Command) => {
      const on = onOff(value, "presence");
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        await client.status.setPresence(on);
        out(`presence ${on ? "on" : "off"}`);
      });
    });
}
