/**
 * A person's devices: `link` (on the new device) shows a one-time code,
 * `devices approve <code>` (on a device of the account) lets it in,
 * `devices` lists them, `devices revoke <id>` cuts one off.
 */
import { hostname } from "node:os";
import type { Command } from "commander";
import type { HistoryChoice } from "@switchboard/client";
import { clientFlags, openProfile, withClient } from "./profile.js";

const out = (line: string) => process.stdout.write(`${line}\n`);
const HISTORY_CHOICES: HistoryChoice[] = ["all", "30d", "none"];

export function addDeviceCommands(program: Command): void {
  program
    .command("link")
    .description("make this (new) profile another device of an existing account: shows a code to approve")
    .option("--name <name>", "this device's name in the account's device list", hostname())
    .option("--wait <seconds>", "how long to wait for the history after approval", "60")
    .action(async (options: { name: string; wait: string }, command: Command) => {
      const flags = clientFlags(command);
      const client = await openProfile(flags, { registered: false });
      try {
        const pending = await client.beginLink(flags.server, options.name);
        out(`link code: ${pending.code}`);
        out(`on a device of the account run: switchboard devices approve ${pending.code}`);
        out(`QR data: ${pending.qr}`);
        out(`waiting for approval (until ${new Date(pending.expiresAt).toISOString()}) ...`);
        const { identity, history } = await pending.approved;
        out(`linked: ${identity.address} (device ${identity.deviceId})`);
        let historyDone: (() => void) | undefined;
        const historyArrived = new Promise<void>((resolve) => (historyDone = resolve));
        client.events.on("history", ({ conversations, messages }) => {
          out(`history: ${messages} messages in ${conversations} conversations`);
          historyDone?.();
        });
        await client.connect();
        if (history !== "none") {
          const waitMs = Number(options.wait) * 1000;
          const timedOut = await Promise.race([
            historyArrived.then(() => false),
            new Promise<boolean>((r) => setTimeout(() => r(true), waitMs).unref()),
          ]);
          if (timedOut) out("history: not arrived yet; it will be shown on the next sync");
        }
        out(`conversations: ${(await client.conversations()).length}`);
      } finally {
        await client.close();
      }
    });

  const devices = program.command("devices").description("this account's devices: list, approve, revoke");
  devices
    .command("list", { isDefault: true })
    .description("list this account's devices (name, added, last seen)")
    .option("--json", "one JSON object per line")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        for (const d of await client.devices()) {
          if (options.json) out(JSON.stringify(d));
          else
            out(
              `${d.id}  ${d.name || "(first device)"}  added ${day(d.createdAt)}  last seen ${day(d.lastSeenAt)}` +
                (d.current ? "  [this device]" : ""),
            );
        }
      });
    });
  devices
    .command("approve <code>")
    .description("approve a new device by the code it shows; it joins every conversation")
    .option("--history <range>", `history to send it: ${HISTORY_CHOICES.join(" | ")}`, "all")
    .action(async (code: string, options: { history: string }, command: Command) => {
      if (!HISTORY_CHOICES.includes(options.history as HistoryChoice))
        throw new Error(`--history must be one of ${HISTORY_CHOICES.join(", ")}`);
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        const approved = await client.approveDevice(code, { history: options.history as HistoryChoice });
        out(
          `approved ${approved.name || approved.deviceId} (device ${approved.deviceId}): ` +
            `added to ${approved.conversations} conversations, sent ${approved.historyMessages} messages of history`,
        );
      });
    });
  devices
    .command("revoke <device>")
    .description("revoke a device: removed from every conversation, can no longer log in")
    .action(async (deviceId: string, _options: unknown, command: Command) => {
      await withClient(clientFlags(command), async (client) => {
        await client.connect();
        const revoked = await client.revokeDevice(deviceId);
        out(`revoked ${deviceId}: removed from ${revoked.conversations} conversations`);
      });
    });
}

function day(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") : "never";
}
