/**
 * Files from the command line (SPEC MD12-MD15): `send <to> --file PATH`
 * (the hook in clientCommands' send), `download <conversation> <message-id>`,
 * and the `attachments` that sync, listen and history print. An upload's
 * tus URL, key and nonce are kept in the profile until the message is sent,
 * so the same command run again after a crash or Ctrl-C resumes it.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { fromHex, toHex } from "@switchboard/protocol";
import type { FileAttachment, LocalMessage, SwitchboardClient, UploadState } from "@switchboard/client";
import { clientFlags, withClient, type ClientFlags } from "./profile.js";
import { printCreated } from "./contentCommands.js";
import type { AttachmentLine } from "./printMessages.js";

const out = (line: string) => process.stdout.write(`${line}\n`);

/** The send command's file flags. */
export interface FileOptions {
  file?: string;
  caption?: string;
}

/** What sync, listen and history say of a message's files. */
export async function attachmentSummaries(
  client: SwitchboardClient,
  message: LocalMessage,
): Promise<AttachmentLine[]> {
  if (message.deleted) return [];
  const files = await client.attachments.of(message.conversationId, message.id);
  return files.map((f) => ({ name: f.name, type: f.type, size: f.size, id: f.id }));
}

/** A progress bar on stderr, only on a terminal and never with --json. */
function progressBar(
  label: string,
  json: boolean,
): { update(done: number, total: number): void; end(): void } {
  if (json || !process.stderr.isTTY) return { update: () => undefined, end: () => undefined };
  let shown = -1;
  return {
    update(done, total) {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent === shown) return;
      shown = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      process.stderr.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${percent}%`);
    },
    end() {
      if (shown >= 0) process.stderr.write("\n");
    },
  };
}

const MEDIA_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  webm: "video/webm",
  ogg: "audio/ogg",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  pdf: "application/pdf",
  txt: "text/plain",
  json: "application/json",
  zip: "application/zip",
};

export function mediaTypeOf(path: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? "";
  return MEDIA_TYPES[ext] ?? "application/octet-stream";
}

/**
 * An image's dimensions when its header says them in fixed places (PNG,
 * GIF): the CLI makes no previews, but sizes are free. undefined otherwise.
 */
export async function imageSize(path: string): Promise<{ width: number; height: number } | undefined> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(24);
    const { bytesRead } = await handle.read(head, 0, 24, 0);
    if (bytesRead >= 24 && head.readUInt32BE(0) === 0x89504e47 && head.toString("latin1", 12, 16) === "IHDR")
      return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
    if (bytesRead >= 10 && /^GIF8[79]a$/.test(head.toString("latin1", 0, 6)))
      return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Where a file's unfinished upload is kept: one key per path, size and modification time. */
function uploadKey(path: string, size: number, mtimeMs: number): string {
  return `upload.${createHash("sha256").update(`${path}\0${size}\0${mtimeMs}`).digest("hex").slice(0, 32)}`;
}

async function savedUpload(client: SwitchboardClient, key: string): Promise<UploadState | undefined> {
  const value = await client.getMeta(key);
  if (!value) return undefined;
  const saved = JSON.parse(value) as { uploadUrl: string; key: string; nonce: string };
  return { uploadUrl: saved.uploadUrl, key: fromHex(saved.key), nonce: fromHex(saved.nonce) };
}

/** Tests make uploads take many requests, to stop one halfway. */
function chunkBytes(): number | undefined {
  const n = Number(process.env.SWITCHBOARD_UPLOAD_CHUNK_BYTES);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** `send <to> --file PATH [--caption TEXT]`: prints the message's id (--json: {"conversation","id","seq"}). */
export async function sendFileCommand(
  flags: ClientFlags,
  to: string,
  file: string,
  caption: string,
  json: boolean,
): Promise<void> {
  const path = resolve(file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new Error(`no file ${file}`);
  await withClient(flags, async (client) => {
    await client.connect();
    const key = uploadKey(path, info.size, info.mtimeMs);
    const dimensions = await imageSize(path);
    const bar = progressBar("uploading", json);
    const send = async (resume: UploadState | undefined) =>
      client.attachments.sendFile(
        to,
        {
          name: path,
          type: mediaTypeOf(path),
          size: info.size,
          bytes: createReadStream(path) as AsyncIterable<Uint8Array>,
        },
        {
          caption,
          ...dimensions,
          ...(resume ? { resume } : {}),
          ...(chunkBytes() ? { chunkBytes: chunkBytes()! } : {}),
          onUploadState: (state) =>
            void client.setMeta(
              key,
              JSON.stringify({
                uploadUrl: state.uploadUrl,
                key: toHex(state.key),
                nonce: toHex(state.nonce),
              }),
            ),
          onProgress: (sent, total) => bar.update(sent, total),
        },
      );
    const saved = await savedUpload(client, key);
    let sent;
    try {
      sent = await send(saved).catch(async (err: unknown) => {
        // The hub no longer has the upload (expired, swept): start over, with a fresh key.
        if (!saved || (err as { code?: string }).code !== undefined) throw err;
        await client.setMeta(key, "");
        return send(undefined);
      });
    } finally {
      bar.end();
    }
    await client.setMeta(key, "");
    const message = sent.message;
    printCreated({ conversation: message.conversationId, id: message.id, seq: message.seq }, json);
  });
}

/** A name in `dir` that is not taken yet: "photo.png", then "photo (1).png" ... */
async function freeName(dir: string, name: string): Promise<string> {
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let i = 0; ; i++) {
    const candidate = join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    if (!(await stat(candidate).catch(() => undefined))) return candidate;
  }
}

/** Decrypt a file into `dir`; written under a temporary name and renamed once its hash checked. */
async function downloadTo(
  client: SwitchboardClient,
  file: FileAttachment,
  dir: string,
  json: boolean,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  // The SDK already keeps directories out of names; a second guard costs nothing.
  const target = await freeName(dir, basename(file.name));
  const partial = `${target}.part`;
  const handle = await open(partial, "w", 0o600);
  const bar = progressBar("downloading", json);
  let written = 0;
  try {
    for await (const piece of client.attachments.download(file)) {
      await handle.write(piece);
      written += piece.byteLength;
      bar.update(written, file.size);
    }
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  } finally {
    bar.end();
  }
  await rename(partial, target);
  return target;
}

/** What `download` wrote, so a message deleted for everyone takes its local copies with it. */
const DOWNLOADS_META = "downloads";

interface LocalCopy {
  conversation: string;
  message: string;
  path: string;
}

async function localCopies(client: SwitchboardClient): Promise<LocalCopy[]> {
  const value = await client.getMeta(DOWNLOADS_META);
  return value ? (JSON.parse(value) as LocalCopy[]) : [];
}

/**
 * [MD15] Delete the files `download` wrote for messages deleted for
 * everyone since (their files are forgotten by the SDK, MD14). Run by sync
 * and listen once they have applied what is new.
 */
export async function removeDeletedCopies(client: SwitchboardClient): Promise<void> {
  const copies = await localCopies(client);
  if (copies.length === 0) return;
  const kept: LocalCopy[] = [];
  for (const copy of copies) {
    if ((await client.attachments.of(copy.conversation, copy.message)).length > 0) kept.push(copy);
    else await rm(copy.path, { force: true });
  }
  if (kept.length !== copies.length) await client.setMeta(DOWNLOADS_META, JSON.stringify(kept));
}

export function addFileCommands(program: Command): void {
  program
    .command("download <conversation> <message-id>")
    .description("decrypt a message's file into a directory (checks its hash); prints the path")
    .option("--out <dir>", "where to write it (default: the current directory)", ".")
    .option("--json", 'print {"path","name","type","size","id"}')
    .action(
      async (
        conversation: string,
        messageId: string,
        options: { out: string; json?: boolean },
        command: Command,
      ) => {
        await withClient(clientFlags(command), async (client) => {
          const id = messageId.toLowerCase();
          const message = (await client.messages(conversation)).find((m) => m.id === id);
          if (!message)
            throw new Error(`no message ${messageId} in ${conversation} on this device (run sync first)`);
          const [file] = await client.attachments.of(conversation, id);
          if (!file)
            throw new Error(
              `message ${messageId} carries no file${message.deleted ? " (it was deleted)" : ""}`,
            );
          const path = await downloadTo(client, file, resolve(options.out), options.json ?? false);
          const copies = await localCopies(client);
          copies.push({ conversation, message: id, path });
          await client.setMeta(DOWNLOADS_META, JSON.stringify(copies));
          out(
            options.json
              ? JSON.stringify({ path, name: file.name, type: file.type, size: file.size, id: file.id })
              : path,
          );
        });
      },
    );
}
