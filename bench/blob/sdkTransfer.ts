/**
 * One SDK device in its own process: uploads `size` bytes through
 * client.attachments (encrypting as it streams), then downloads and decrypts
 * them, sampling its own RSS. Prints one JSON line. Args: <hubUrl> <bytes>.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { openNodeClient } from "../../packages/client/src/node.js";

const [hubUrl, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
const MB = 1024 * 1024;
const profile = mkdtempSync(join(tmpdir(), "sb-bench-sdk-"));
const client = await openNodeClient(profile);
await client.register(hubUrl!, `sdk${Date.now()}@instagram`, "bench");

// One random megabyte, sent again and again: the SDK copies each piece into its segment.
const block = randomBytes(MB);
async function* plaintext(): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < size; sent += MB) yield block.subarray(0, Math.min(MB, size - sent));
}

global.gc?.();
const idle = process.memoryUsage().rss;
let peak = idle;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
let started = performance.now();
const sent = await client.attachments.upload(plaintext(), size);
const upSeconds = (performance.now() - started) / 1000;
const peakUp = peak;
started = performance.now();
let received = 0;
for await (const piece of client.attachments.download(sent)) received += piece.byteLength;
const downSeconds = (performance.now() - started) / 1000;
clearInterval(sampler);
if (received !== size) throw new Error(`decrypted ${received} of ${size} bytes`);
process.stdout.write(
  JSON.stringify({
    idleRssMB: idle / MB,
    peakRssMB: peak / MB,
    aboveIdleUploadMB: (peakUp - idle) / MB,
    aboveIdleMB: (peak - idle) / MB,
    uploadMBps: size / MB / upSeconds,
    downloadMBps: size / MB / downSeconds,
  }) + "\n",
);
await client.close();
rmSync(profile, { recursive: true, force: true });
process.exit(0);
