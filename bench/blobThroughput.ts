/**
 * Attachment throughput through the hub (tus upload, GET /blobs/<id>
 * download) against curl to a bare Node static server in the same run, and
 * the hub's peak RSS above idle during a large transfer (issue 17: goals
 * >= 70% of the baseline, < 100 MB above idle). Loopback only, curl on both.
 *
 *   node --import tsx bench/blobThroughput.ts            1 MB and 100 MB, RSS during 1 GB
 *   node --import tsx bench/blobThroughput.ts --quick    1 MB and 10 MB, RSS during 100 MB
 *
 * Then one SDK device (bench/blob/sdkTransfer.ts) sends the large file through
 * client.attachments and reads it back, with its own and the hub's peak RSS.
 * Writes bench/results/blobThroughput.json.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
const quick = process.argv.includes("--quick");
const SIZES = quick ? [1 * MB, 10 * MB] : [1 * MB, 100 * MB];
const RSS_SIZE = quick ? 100 * MB : 1024 * MB;
const REPEATS = (size: number) => (size <= MB ? 10 : 3);

interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
}

function start(script: string): Child {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "blob", script)], { stdio: "pipe" });
  child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
  return { process: child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

async function line<T>(child: Child): Promise<T> {
  const next = await child.lines.next();
  if (next.done) throw new Error("child process ended");
  return JSON.parse(next.value) as T;
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += 4 * MB) {
    const chunk = randomBytes(Math.min(4 * MB, size - written));
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

const CURL = ["-sS", "--fail", "-H", "Expect:"];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function hubUpload(
  hub: Child,
  url: string,
  file: string,
  size: number,
): Promise<{ seconds: number; id: string }> {
  hub.process.stdin.write("token\n");
  const { token } = await line<{ token: string }>(hub);
  const auth = ["-H", `Authorization: Bearer ${token}`, "-H", "Tus-Resumable: 1.0.0"];
  let id = "";
  const seconds = await timed(async () => {
    // tus creation-with-upload: the bytes ride on the creating POST, one request (as the SDK sends).
    const created = await run("curl", [
      ...CURL,
      "-X",
      "POST",
      ...auth,
      "-H",
      `Upload-Length: ${size}`,
      "-H",
      "Content-Type: application/offset+octet-stream",
      "-T",
      file,
      "-D",
      "-",
      "-o",
      "/dev/null",
      `${url}/uploads/`,
    ]);
    const location = /^location: (\S+)/im.exec(created.stdout)?.[1] ?? "";
    id = location.split("/").at(-1) ?? "";
    const offset = /^upload-offset: (\d+)/im.exec(created.stdout)?.[1];
    if (Number(offset) !== size)
      throw new Error(`creation-with-upload stored ${offset ?? "nothing"} of ${size} bytes`);
  });
  return { seconds, id };
}

const download = (url: string) => run("curl", [...CURL, "-o", "/dev/null", url], { maxBuffer: MB });

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mbps = (size: number, seconds: number) => size / MB / seconds;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-files-"));
  const hub = start("hubProcess.ts");
  const bare = start("staticServer.ts");
  try {
    const { url: hubUrl, dir: hubDir } = await line<{ url: string; dir: string; token: string }>(hub);
    const { url: bareUrl, dir: bareDir } = await line<{ url: string; dir: string }>(bare);
    const rows: Record<string, number | string>[] = [];
    for (const size of SIZES) {
      const file = join(dir, `f${size}`);
      await writeRandomFile(file, size);
      const samples = {
        hubUp: [] as number[],
        hubDown: [] as number[],
        bareUp: [] as number[],
        bareDown: [] as number[],
      };
      for (let i = 0; i < REPEATS(size); i++) {
        const { seconds, id } = await hubUpload(hub, hubUrl, file, size);
        samples.hubUp.push(seconds);
        samples.hubDown.push(await timed(() => download(`${hubUrl}/blobs/${id}`)));
        samples.bareUp.push(
          await timed(() => run("curl", [...CURL, "-T", file, `${bareUrl}/f${size}-${i}`])),
        );
        samples.bareDown.push(await timed(() => download(`${bareUrl}/f${size}-${i}`)));
      }
      const row = {
        size: `${size / MB} MB`,
        hubUploadMBps: mbps(size, median(samples.hubUp)),
        bareUploadMBps: mbps(size, median(samples.bareUp)),
        hubDownloadMBps: mbps(size, median(samples.hubDown)),
        bareDownloadMBps: mbps(size, median(samples.bareDown)),
      };
      rows.push({
        ...row,
        uploadRatio: row.hubUploadMBps / row.bareUploadMBps,
        downloadRatio: row.hubDownloadMBps / row.bareDownloadMBps,
      });
      rmSync(file);
      rmSync(hubDir, { recursive: true, force: true });
      mkdirSync(join(hubDir, "blobs"), { recursive: true, mode: 0o700 });
      rmSync(bareDir, { recursive: true, force: true });
      mkdirSync(bareDir, { recursive: true });
    }

    // Peak RSS of the hub while one large file goes up and comes back down.
    const big = join(dir, "big");
    await writeRandomFile(big, RSS_SIZE);
    const pid = hub.process.pid!;
    global.gc?.();
    const idle = rssBytes(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    const { seconds, id } = await hubUpload(hub, hubUrl, big, RSS_SIZE);
    const down = await timed(() => download(`${hubUrl}/blobs/${id}`));
    clearInterval(sampler);
    const rss = {
      transferMB: RSS_SIZE / MB,
      idleRssMB: idle / MB,
      peakRssMB: peak / MB,
      aboveIdleMB: (peak - idle) / MB,
      uploadMBps: mbps(RSS_SIZE, seconds),
      downloadMBps: mbps(RSS_SIZE, down),
    };

    // The same through the SDK (encrypt while uploading, decrypt while downloading), in its own process.
    peak = rssBytes(pid);
    const hubBefore = peak;
    const hubSampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    const sdkRun = await run(
      process.execPath,
      ["--import", "tsx", "--expose-gc", join(here, "blob", "sdkTransfer.ts"), hubUrl, String(RSS_SIZE)],
      { maxBuffer: MB },
    );
    clearInterval(hubSampler);
    const sdk = {
      ...(JSON.parse(sdkRun.stdout.trim().split("\n").at(-1)!) as Record<string, number>),
      hubAboveBeforeMB: (peak - hubBefore) / MB,
    };

    console.table(
      rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? v.toFixed(2) : v])),
      ),
    );
    console.table([Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, v.toFixed(1)]))]);
    console.table([Object.fromEntries(Object.entries(sdk).map(([k, v]) => [k, v.toFixed(1)]))]);
    const out = join(here, "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, "blobThroughput.json"),
      JSON.stringify({ quick, throughput: rows, rss, sdk }, null, 2) + "\n",
    );
  } finally {
    hub.process.stdin.end();
    bare.process.stdin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
