/**
 * Offline catch-up (issue 3, workload 3): one device of a direct chat is
 * offline while its peer sends 100,000 messages (10,000 with --quick); then it
 * reconnects and fetches everything after its cursor, page by page, acking as
 * it goes. Target: 100,000 delivered in under 10 s.
 *
 * The conversation is real (SDK + MLS, bench/lib/fixtures.ts); the backlog is
 * filled through the real protocol with pipelined SendMessage requests of
 * pre-encrypted ciphertext (~256 B), so the fill time is itself a figure:
 * durable appends per second into one conversation.
 */
import { join } from "node:path";
import { LIMITS } from "@switchboard/protocol";
import { catchUp } from "../lib/catchUp.js";
import { monotonicMicros, type TimeWindow } from "../profile/cpuProfile.js";
import { writeProfileSummaries } from "../profile/hubProfile.js";
import { fillLog } from "../lib/fillLog.js";
import { makeConversations } from "../lib/fixtures.js";
import { measureProcess, startHubProcess } from "../lib/hubProcess.js";
import { watchOtherLoad } from "../lib/otherLoad.js";
import { percentile } from "../lib/stats.js";
import { sleep } from "../lib/deadline.js";
import { isMain, runStandalone } from "../lib/standalone.js";
import { WireDevice, describe } from "../lib/wireDevice.js";
import type { BenchContext, Figure, Workload, WorkloadResult } from "./types.js";

export interface BacklogOptions {
  messages: number;
  payloadBytes: number;
}

const MiB = 1024 * 1024;
const TARGET_MESSAGES = 100_000;
const TARGET_SECONDS = 10;

export async function runBacklog(ctx: BenchContext, options: BacklogOptions): Promise<WorkloadResult[]> {
  const hub = await startHubProcess(join(ctx.scratch, "backlog.db"));
  const windows = new Map<string, TimeWindow[]>();
  try {
    ctx.progress("backlog: one direct chat with real MLS");
    const [conversation] = await makeConversations(hub.url, {
      conversations: 1,
      membersPerConversation: 2,
      payloadBytes: options.payloadBytes,
      payloadsPerConversation: 64,
      prefix: "backlog",
    });
    const [senderKeys, receiverKeys] = conversation!.members;

    const sender = await WireDevice.login(hub.url, senderKeys!);
    ctx.progress(`backlog: filling ${options.messages} messages (receiver offline)`);
    const fillFrom = monotonicMicros();
    const fillOthers = watchOtherLoad(() => [hub.pid]);
    const fill = await measureProcess(hub.pid, () =>
      fillLog(sender, conversation!, options.messages, (n) =>
        ctx.progress(`backlog: filled ${n}/${options.messages}`),
      ),
    );
    windows.set("backlog-fill", [{ from: fillFrom, to: monotonicMicros() }]);
    const othersDuringFill = fillOthers();
    sender.close();
    await sleep(1_000); // let the hub finish with the sender before the clock starts

    ctx.progress("backlog: receiver reconnects and catches up");
    const catchUpFrom = monotonicMicros();
    const catchUpOthers = watchOtherLoad(() => [hub.pid]);
    const caught = await measureProcess(hub.pid, async () => {
      const t0 = performance.now();
      const receiver = await WireDevice.login(hub.url, receiverKeys!);
      // The SDK refuses frames over LIMITS.maxFrameBytes (its ws maxPayload and
      // decodeServerFrame); WireDevice would silently drop them, so watch here.
      let largestFrame = 0;
      receiver.onFrame = (frame) => {
        largestFrame = Math.max(largestFrame, frame.length);
        if (frame.length > LIMITS.maxFrameBytes) receiver.close();
        return false;
      };
      const list = await receiver.request({ case: "listConversations", value: {} });
      if (list.result.case !== "listConversations") throw new Error(describe(list));
      const summary = list.result.value.conversations.find((c) => c.id === conversation!.id)!;
      const result = await catchUp(receiver, summary.id, Number(summary.cursor), (n) => {
        if (n % 20_000 === 0) ctx.progress(`backlog: fetched ${n}`);
      }).catch((err: unknown) => {
        if (largestFrame <= LIMITS.maxFrameBytes) throw err;
        throw new Error(
          `a fetch page of ${largestFrame} bytes is over LIMITS.maxFrameBytes (${LIMITS.maxFrameBytes}): ` +
            "the SDK's transport refuses it, drops the connection and fetches the same page again, forever",
        );
      });
      const ms = performance.now() - t0;
      receiver.close();
      return { ...result, ms, largestFrame, head: Number(summary.lastSeq), cursor: Number(summary.cursor) };
    });

    windows.set("backlog-catchup", [{ from: catchUpFrom, to: monotonicMicros() }]);
    const othersDuringCatchUp = catchUpOthers();
    const c = caught.result;
    const pageMs = [...c.pageMs].sort((a, b) => a - b);
    const seconds = c.ms / 1000;
    const missing = c.head - c.cursor - c.entries;
    const full = options.messages >= TARGET_MESSAGES;
    const figures: Figure[] = [
      {
        name: "fill: durable appends/s (1 conversation)",
        value: (fill.result.appended / fill.result.ms) * 1000,
        unit: "msg/s",
      },
      { name: "fill: time", value: fill.result.ms / 1000, unit: "s" },
      { name: "fill: errors", value: fill.result.errors, unit: "count", target: { op: "<=", value: 0 } },
      { name: "fill: hub CPU", value: fill.cpuCores, unit: "cores" },
      {
        name: "fill: hub CPU per append",
        value: (fill.cpuCores * fill.result.ms * 1000) / Math.max(1, fill.result.appended),
        unit: "µs",
      },
      { name: "fill: hub peak RSS", value: fill.peakRssBytes / MiB, unit: "MiB" },
      { name: "fill: other processes' CPU (shared machine)", value: othersDuringFill, unit: "cores" },
      { name: "catch-up: delivered", value: c.entries, unit: "msgs" },
      {
        name: "catch-up: total time (login to last ack)",
        value: seconds,
        unit: "s",
        ...(full ? { target: { op: "<=" as const, value: TARGET_SECONDS } } : {}),
      },
      {
        name: "catch-up: delivered/s",
        value: c.entries / seconds,
        unit: "msg/s",
        target: { op: ">=", value: TARGET_MESSAGES / TARGET_SECONDS },
      },
      { name: "catch-up: fetch page p50", value: percentile(pageMs, 50), unit: "ms" },
      { name: "catch-up: fetch page p99", value: percentile(pageMs, 99), unit: "ms" },
      {
        name: "catch-up: missing or out-of-order entries",
        value: Math.max(0, missing) + c.outOfOrder,
        unit: "count",
        target: { op: "<=", value: 0 },
      },
      // Must stay under LIMITS.maxFrameBytes, or the SDK cannot read the page.
      { name: "catch-up: largest fetch response", value: c.largestFrame / 1024, unit: "KiB" },
      { name: "catch-up: hub CPU", value: caught.cpuCores, unit: "cores" },
      // CPU time per message is steadier than wall time when other work shares the machine.
      {
        name: "catch-up: hub CPU per delivered message",
        value: (caught.cpuCores * c.ms * 1000) / Math.max(1, c.entries),
        unit: "µs",
      },
      { name: "catch-up: hub peak RSS", value: caught.peakRssBytes / MiB, unit: "MiB" },
      { name: "catch-up: other processes' CPU (shared machine)", value: othersDuringCatchUp, unit: "cores" },
    ];
    const notes = [
      `${options.messages} messages of ${conversation!.payloads[0]!.length} B ciphertext, ${c.pages} pages of up to 1000`,
      "hub-side delivery only: the receiver does not decrypt (the SDK would, at its own decrypt rate)",
    ];
    if (fill.result.firstError) notes.push(`first fill error: ${fill.result.firstError}`);
    return [{ name: "backlog", system: "sqlite", figures, notes }];
  } finally {
    await hub.stop();
    if (ctx.profileDir) writeProfileSummaries(ctx.profileDir, hub.pid, windows, (m) => ctx.progress(m));
  }
}

export const run: Workload = (ctx) =>
  runBacklog(ctx, { messages: ctx.quick ? 10_000 : TARGET_MESSAGES, payloadBytes: 256 });

if (isMain(import.meta.url)) {
  const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const quick = process.argv.includes("--quick");
  await runStandalone((ctx) =>
    runBacklog(ctx, {
      messages: Number(flag("messages") ?? (quick ? 10_000 : TARGET_MESSAGES)),
      payloadBytes: Number(flag("payload-bytes") ?? 256),
    }),
  );
}
