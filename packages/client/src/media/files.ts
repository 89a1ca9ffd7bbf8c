/**
 * Files in conversations (SPEC MD12-MD14), on top of the attachment
 * transport (attachments.ts): `sendFile` encrypts and uploads a file,
 * marks the blob sent, and sends the message that carries it; `of` gives a
 * stored message's files; `download` (inherited) streams one back, checked
 * and decrypted. The client exposes this as `client.attachments`.
 */
import { MAX_THUMBNAIL_BYTES, blobIdOf, safeFileName, type FileAttachment } from "../content/filePart.js";
import { ClientError } from "../errors.js";
import type { LocalMessage, LocalStore } from "../store/port.js";
import { attachmentsOf } from "./attachmentRecords.js";
import { isConversationId } from "@switchboard/protocol";
import type { Messaging } from "../conversations/messaging.js";
import { Attachments, type AttachmentRef, type AttachmentsDeps, type UploadOptions } from "./attachments.js";

/** A file to send. `bytes` is read once, from its start (again from its start when resuming). */
export interface FileToSend {
  name: string;
  /** Its media type; application/octet-stream when not given. */
  type?: string;
  size: number;
  bytes: Uint8Array | Blob | AsyncIterable<Uint8Array>;
}

export interface SendFileOptions
  extends Pick<
    UploadOptions,
    "resume" | "onUploadState" | "signal" | "chunkBytes" | "onProgress" | "expiresInMs"
  > {
  caption?: string;
  /** A small preview image (at most 64 KiB), sent inside the encrypted message. */
  thumbnail?: { bytes: Uint8Array; type?: string };
  width?: number;
  height?: number;
  /** Voice notes and videos. */
  durationMs?: number;
}

export interface SentFile {
  message: LocalMessage;
  attachment: FileAttachment;
}

export interface FilesDeps extends AttachmentsDeps {
  store: LocalStore;
  /** Sends the message that carries an uploaded file (conversations/fileMessages.ts). */
  messaging: Pick<Messaging, "sendFile">;
  /** An address's direct conversation, opened if need be. */
  openDirect(address: string): Promise<string>;
}

async function* plaintextOf(bytes: FileToSend["bytes"]): AsyncGenerator<Uint8Array> {
  if (bytes instanceof Uint8Array) {
    yield bytes;
    return;
  }
  if (typeof Blob !== "undefined" && bytes instanceof Blob) {
    const reader = bytes.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  yield* bytes as AsyncIterable<Uint8Array>;
}

const whole = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0);

export class Files extends Attachments {
  constructor(private readonly files: FilesDeps) {
    super(files);
  }

  /**
   * [MD12] Upload `file` (encrypted as it streams) and send it to `target`
   * (a conversation id or an address) with its caption. The blob is marked
   * sent before the message goes: a send that fails then leaves a blob that
   * expires with its lifetime, never a delivered message whose file was
   * collected as an orphan.
   */
  async sendFile(target: string, file: FileToSend, options: SendFileOptions = {}): Promise<SentFile> {
    if (!whole(file.size))
      throw new ClientError("INVALID_ARGUMENT", "a file's size is a whole number of bytes");
    if (!whole(options.width) || !whole(options.height) || !whole(options.durationMs))
      throw new ClientError("INVALID_ARGUMENT", "width, height and duration are whole numbers");
    const thumbnail = options.thumbnail;
    if (thumbnail && thumbnail.bytes.byteLength > MAX_THUMBNAIL_BYTES)
      throw new ClientError("INVALID_ARGUMENT", `a thumbnail is at most ${MAX_THUMBNAIL_BYTES} bytes`);
    const conversationId = isConversationId(target) ? target : await this.files.openDirect(target);
    const uploaded = await this.upload(plaintextOf(file.bytes), file.size, {
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.onUploadState ? { onUploadState: options.onUploadState } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.expiresInMs ? { expiresInMs: options.expiresInMs } : {}),
    });
    const expiresAt = await this.complete(uploaded.blobId);
    const attachment: FileAttachment = {
      id: uploaded.blobId,
      url: uploaded.url,
      name: safeFileName(file.name),
      type: file.type || "application/octet-stream",
      size: file.size,
      key: uploaded.key,
      nonce: uploaded.nonce,
      hash: uploaded.hash,
      expires: Math.floor(expiresAt / 1000),
      ...(options.width === undefined ? {} : { width: options.width }),
      ...(options.height === undefined ? {} : { height: options.height }),
      ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
      ...(thumbnail ? { thumbnail: { type: thumbnail.type ?? "image/jpeg", bytes: thumbnail.bytes } } : {}),
    };
    const message = await this.files.messaging.sendFile(conversationId, attachment, options.caption ?? "");
    return { message, attachment };
  }

  /**
   * [MD13] The plaintext, as it downloads, from THIS device's hub by the
   * blob id: the host a message names is the sender's view of the hub (in a
   * cluster, another node sharing the blobs), and fetching whatever host a
   * message names would let any member make every reader call a server of
   * their choosing.
   */
  override download(ref: AttachmentRef): AsyncGenerator<Uint8Array> {
    const id = blobIdOf(ref.url);
    if (id === undefined) throw new ClientError("UNTRUSTED", "the attachment's URL is not a hub blob's");
    return super.download({ ...ref, url: `${this.deps.server().replace(/\/$/, "")}/blobs/${id}` });
  }

  /** [MD14] the files a stored message carries: [] for a text, or once it was deleted. */
  of(conversationId: string, messageId: string): Promise<FileAttachment[]> {
    return attachmentsOf(this.files.store, conversationId, messageId.toLowerCase());
  }
}
