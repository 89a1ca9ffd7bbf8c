/**
 * The web client in Debian's Chromium against a real hub (issue 16):
 *
 *   node --import tsx bench/webClient.ts                 10,000-message chat
 *   node --import tsx bench/webClient.ts --messages=2000 smaller
 *   ... --json                                           also one "BENCH_JSON {...}" line
 *   ... --profile=FILE    a CPU profile of the page while it drains the backlog
 *                         (Chromium's profiler over CDP), on an unminified build
 *                         so it names functions; summarise it with
 *                         bench/lib/cpuProfileTop.ts FILE
 *   ... --trace=FILE      a Chromium trace (devtools.timeline) of the same drain:
 *                         where the page's main thread spends it outside
 *                         JavaScript (style, layout, paint, IndexedDB)
 *
 * - first load: the gzip -9 bytes of the JavaScript the app page loads
 *   before it runs (its module script and modulepreloads; lazy chunks such
 *   as the QR code are not in it);
 * - receive-and-render: a busy group (two Node SDK members sending as fast as
 *   their outboxes go) with the chat open in the browser: messages rendered
 *   per second, and how far the screen trails the last send; then a backlog
 *   (sent while the browser was offline) drained with the chat open, where
 *   the browser alone sets the pace;
 * - cold start: a reload of a profile holding that chat, to an interactive
 *   chat list (its first row is a button on screen), median of three;
 * - opening the chat: click to its newest message on screen; then paging up
 *   through older pages: long tasks (> 50 ms) and the slowest frame.
 * Nothing here asserts a time; the figures go to bench/README.md.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { SwitchboardClient } from "../packages/client/src/client.js";
import { openNodeClient } from "../packages/client/src/node.js";
import { descendantsCpuMs } from "./lib/childCpu.js";
import { buildWebClient, signUp, startWebHub, type WebHub } from "../packages/web/test/webHub.js";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const TOTAL = Number(arg("messages") ?? 10_000);
const BURST = Number(arg("burst") ?? 400); // the receive-and-render phase, with the chat open
const json = process.argv.includes("--json");
const profileFile = arg("profile");
const traceFile = arg("trace");
const log = (line: string) => console.log(line);
/** tsx compiles this file with esbuild's keepNames: functions inside page callbacks call __name. */
const KEEP_NAMES_SHIM = "globalThis.__name = (f) => f";

/** gzip -9 of every script the app page loads up front. */
function firstLoadBytes(dist: string): { files: number; gzip: number; raw: number } {
  const html = readFileSync(join(dist, "app.html"), "utf8");
  const urls = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  let gzip = 0;
  let raw = 0;
  for (const url of urls) {
    const bytes = readFileSync(join(dist, url));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: urls.length, gzip, raw };
}

async function bot(web: WebHub, address: string): Promise<SwitchboardClient> {
  const client = await openNodeClient(mkdtempSync(join(tmpdir(), "switchboard-webbench-")));
  await client.register(web.url, address, address.split("@")[0]);
  await client.connect();
  return client;
}

/** `count` texts from `client`, `inFlight` at a time (the SDK's outbox keeps their order per sender). */
async function sendMany(
  client: SwitchboardClient,
  group: string,
  prefix: string,
  count: number,
): Promise<void> {
  const inFlight = 16;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const n = next++;
        await client.sendText(group, `${prefix} ${n}`);
      }
    }),
  );
}

const dist = await buildWebClient(profileFile || traceFile ? { minify: false } : {});
const load = firstLoadBytes(dist);
log(
  `first load: ${load.files} scripts, ${(load.raw / 1024).toFixed(1)} KB, ${(load.gzip / 1024).toFixed(1)} KB gzip`,
);
const web = await startWebHub(dist);
try {
  const reader = await signUp(web, "instagram", "reader", "Reader");
  const [alpha, beta] = [
    await bot(web, "alpha@example.com@messenger"),
    await bot(web, "+14155550190@whatsapp"),
  ];
  const betaJoined = new Promise<void>((resolve) => beta.events.on("conversation", () => resolve()));
  const group = await alpha.createGroup("Busy", ["reader@instagram", "+14155550190@whatsapp"]);
  await betaJoined;
  const page = reader.page;
  const row = page.getByRole("list", { name: "Chats" }).getByRole("button", { name: /Busy/ });
  await row.click();
  await page.getByRole("log", { name: "Messages" }).waitFor();

  // Receive and render, the chat open: articles on screen against time.
  const countArticles = () => page.getByRole("log", { name: "Messages" }).getByRole("article").count();
  const before = await countArticles();
  // The browser's CPU with nothing arriving (the page, its timers, this script's polling): the live
  // phase runs at the senders' pace, so its CPU per message holds this much per second of it too.
  const idleFrom = descendantsCpuMs();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleCpuMsPerSecond = Math.round((descendantsCpuMs() - idleFrom) / 3);
  log(`browser idle, chat open: ${idleCpuMsPerSecond} ms CPU per second`);
  const burstCpu = descendantsCpuMs();
  const sendStart = performance.now();
  await Promise.all([
    sendMany(alpha, group, "alpha", BURST / 2),
    sendMany(beta, group, "beta", BURST - BURST / 2),
  ]);
  const sent = performance.now();
  await page.waitForFunction(
    (want) => document.querySelectorAll('[role="log"] article').length >= want,
    before + BURST,
    { polling: 100, timeout: 600_000 },
  );
  const rendered = performance.now();
  const burst = {
    messages: BURST,
    browserCpuMsPerMessage: Number(((descendantsCpuMs() - burstCpu) / BURST).toFixed(1)),
    sentPerSecond: Math.round(BURST / ((sent - sendStart) / 1000)),
    renderedPerSecond: Math.round(BURST / ((rendered - sendStart) / 1000)),
    trailingMs: Math.round(rendered - sent),
  };
  log(
    `receive-and-render (chat open, 2 senders): ${burst.renderedPerSecond} msg/s rendered ` +
      `(senders ${burst.sentPerSecond} msg/s; screen ${burst.trailingMs} ms behind the last send; ` +
      `browser CPU ${burst.browserCpuMsPerMessage} ms/msg)`,
  );

  // Receive and render a backlog: the senders' messages wait at the hub while the browser is offline,
  // then it reconnects with the chat open; from the first new article to the last, the browser alone
  // sets the pace (decrypt in the page, store in IndexedDB, render).
  await reader.context.setOffline(true);
  const backlogBefore = await countArticles();
  await Promise.all([
    sendMany(alpha, group, "queued alpha", BURST / 2),
    sendMany(beta, group, "queued beta", BURST - BURST / 2),
  ]);
  const cdp = profileFile ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  if (traceFile)
    await web.browser.startTracing(page, {
      path: traceFile,
      categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8"],
    });
  const backlogCpu = descendantsCpuMs();
  await reader.context.setOffline(false);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[role="log"] article').length > n,
    backlogBefore,
    {
      polling: 20,
      timeout: 600_000,
    },
  );
  const firstShown = performance.now();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[role="log"] article').length >= n,
    backlogBefore + BURST,
    { polling: 20, timeout: 600_000 },
  );
  const backlog = {
    messages: BURST,
    renderedPerSecond: Math.round((BURST - 1) / ((performance.now() - firstShown) / 1000)),
    browserCpuMsPerMessage: Number(((descendantsCpuMs() - backlogCpu) / BURST).toFixed(1)),
  };
  if (traceFile) {
    await web.browser.stopTracing();
    log(`backlog trace: ${traceFile}`);
  }
  if (cdp && profileFile) {
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(profileFile, JSON.stringify(profile));
    await cdp.detach();
    log(`backlog CPU profile: ${profileFile} (an unminified build)`);
  }
  log(
    `receive-and-render a backlog of ${BURST} (chat open, after reconnecting): ${backlog.renderedPerSecond} msg/s ` +
      `(browser CPU ${backlog.browserCpuMsPerMessage} ms/msg, from reconnecting to the last on screen)`,
  );

  // A long history: TOTAL more messages written straight into the browser's IndexedDB, as the SDK
  // stores decrypted messages (plain records; only secrets are sealed). Sending them through MLS would
  // measure the senders (above), not opening a long chat.
  const lastText = `seeded ${TOTAL - 1}`;
  const seeded = performance.now();
  await page.evaluate(KEEP_NAMES_SHIM);
  await page.evaluate(
    async ({ conversationId, total }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open("switchboard/instagram");
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(new Error(String(open.error)));
      });
      const tx = db.transaction("messages", "readwrite");
      const store = tx.objectStore("messages");
      const now = Date.now();
      for (let i = 0; i < total; i++)
        store.put({
          id: `seed${String(i).padStart(8, "0")}`,
          conversationId,
          seq: 1_000_000 + i,
          senderAddress: i % 2 ? "alpha@example.com@messenger" : "+14155550190@whatsapp",
          senderDeviceId: "seeded",
          text: `seeded ${i}: ${"lorem ipsum dolor sit amet ".repeat(1 + (i % 4))}`,
          sentAt: now - total + i,
          serverTime: now - total + i,
          outgoing: false,
          replyTo: null,
          editCount: 0,
          editedAt: null,
          deleted: false,
          expiresAt: null,
        });
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error(String(tx.error)));
      });
      db.close();
    },
    { conversationId: group, total: TOTAL },
  );
  log(`seeded ${TOTAL} messages into the browser's store in ${Math.round(performance.now() - seeded)} ms`);

  // Cold start: reload to an interactive chat list (its rows are buttons on screen).
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await row.filter({ hasText: lastText }).waitFor({ timeout: 120_000 });
    starts.push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        return performance.now() - (nav?.startTime ?? 0);
      }),
    );
  }
  starts.sort((a, b) => a - b);
  const coldStartMs = Math.round(starts[1]!);
  log(
    `cold start to an interactive chat list: ${coldStartMs} ms (median of 3: ${starts.map(Math.round).join(", ")})`,
  );

  await page.evaluate(KEEP_NAMES_SHIM);
  // Open the 10,000-message chat: click to its newest message on screen.
  const opened = await page.evaluate(async (last) => {
    const t0 = performance.now();
    const button = Array.from(document.querySelectorAll('[aria-label="Chats"] button')).find((b) =>
      b.textContent?.includes("Busy"),
    ) as HTMLButtonElement;
    button.click();
    await new Promise<void>((resolve) => {
      const check = () =>
        Array.from(document.querySelectorAll('[role="log"] article')).some((a) =>
          a.textContent?.includes(last),
        )
          ? resolve()
          : requestAnimationFrame(check);
      check();
    });
    return performance.now() - t0;
  }, lastText);
  log(`open a chat of ${TOTAL + 2 * BURST} messages: ${Math.round(opened)} ms to its newest message`);

  // Page up: scroll to the top repeatedly, recording long tasks and frame gaps.
  const paging = await page.evaluate(async () => {
    const logEl = document.querySelector('[role="log"]') as HTMLElement;
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    observer.observe({ type: "longtask", buffered: false });
    const frames: number[] = [];
    let last = performance.now();
    let running = true;
    const frame = (now: number) => {
      frames.push(now - last);
      last = now;
      if (running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    for (let i = 0; i < 30; i++) {
      logEl.scrollTop = 0;
      logEl.dispatchEvent(new Event("scroll"));
      await new Promise((r) => setTimeout(r, 120));
    }
    running = false;
    observer.disconnect();
    frames.sort((a, b) => a - b);
    return {
      articles: logEl.querySelectorAll("article").length,
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
      p95FrameMs: Math.round(frames[Math.floor(frames.length * 0.95)] ?? 0),
      worstFrameMs: Math.round(frames.at(-1) ?? 0),
    };
  });
  log(
    `paging up 30 times: ${paging.articles} messages in the DOM, ${paging.longTasks} long tasks ` +
      `(longest ${paging.longestTaskMs} ms), frames p95 ${paging.p95FrameMs} ms, worst ${paging.worstFrameMs} ms`,
  );
  if (json)
    console.log(
      `BENCH_JSON ${JSON.stringify({ firstLoad: load, idleCpuMsPerSecond, burst, backlog, coldStartMs, openChatMs: Math.round(opened), paging, total: TOTAL + 2 * BURST })}`,
    );
  await alpha.close();
  await beta.close();
} finally {
  await web.close();
}
