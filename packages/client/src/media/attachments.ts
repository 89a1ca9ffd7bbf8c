/**
 * Attachments in the SDK (SPEC MD4, MD5, MD8, MD11): encrypt a file as it
 * streams, upload the ciphertext to the hub with tus (resumable), and
 * download and decrypt one, a segment at a time. What goes in the message
 * (URL, key, nonce, hash, sizes) is returned; the message itself is the
 * content layer's business (a MIMI ExternalPart).
 */
import type { Call } from "../session/call.js";
import { isErrorCode } from "@switchboard/protocol";
import { ProtocolError } from "../errors.js";
import { forwardOnlySource } from "./uploadSource.js";
import {
  ciphertextBytes,
  decryptAttachment,
  encryptAttachment,
  type AttachmentCrypto,
} from "./streamCipher.js";

/** tus request size: one chunk of ciphertext is what the SDK holds while uploading. */
const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export interface UploadedAttachment {
  blobId: string;
  /** The capability URL (GET /blobs/<id>): whoever has it can fetch the ciphertext. */
  url: string;
  key: Uint8Array;
  nonce: Uint8Array;
  /** SHA-256 of the ciphertext. */
  hash: Uint8Array;
  plainBytes: number;
  cipherBytes: number;
}

export interface AttachmentRef {
  url: string;
  key: Uint8Array;
  nonce: Uint8Array;
  hash: Uint8Array;
}

export interface UploadOptions {
  /**
   * Resume this upload: the SAME file again, from its start (bytes the hub
   * has are not sent again). Only for the same bytes: the key and nonce are
   * reused, which is safe only because the ciphertext is then the same.
   */
  resume?: UploadState;
  /** Called once the hub has created the upload: persist it to resume later. */
  onUploadState?: (state: UploadState) => void;
  /** Stops the upload; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Bytes per tus request (default 4 MiB). */
  chunkBytes?: number;
  /** Ciphertext bytes the hub has accepted so far, of the total. */
  onProgress?: (sent: number, total: number) => void;
  /** Ask the hub to keep the blob no longer than this (a disappearing timer). */
  expiresInMs?: number;
}

/** What attachments need from the platform (Node: node:crypto; browsers: WebCrypto). */
export interface AttachmentPlatform {
  crypto: AttachmentCrypto;
}

/** Where an upload stands, for resuming it after a crash or a lost connection (keep it secret: it has the key). */
export interface UploadState {
  uploadUrl: string;
  key: Uint8Array;
  nonce: Uint8Array;
}

export interface AttachmentsDeps {
  call: Call;
  /** The hub's http(s) base URL, as the device connects to it. */
  server: () => string;
  platform: AttachmentPlatform;
}

/** The hub's typed error inside a tus failure (a `{"error": CODE}` body), else the tus error itself. */
export function hubError(error: Error): Error {
  const response = (error as { originalResponse?: { getBody(): string } | null }).originalResponse;
  try {
    const body = JSON.parse(response?.getBody() ?? "") as { error?: unknown; message?: unknown };
    if (typeof body.error === "string" && isErrorCode(body.error))
      return new ProtocolError(
        body.error,
        typeof body.message === "string" ? body.message : body.error,
        {},
        {
          cause: error,
        },
      );
  } catch {
    // Not JSON: the tus error says what happened.
  }
  return error;
}

export class Attachments {
  constructor(protected readonly deps: AttachmentsDeps) {}

  /** Encrypt and upload `plainBytes` bytes of `plaintext`; the blob is an orphan until `complete`. */
  async upload(
    plaintext: AsyncIterable<Uint8Array>,
    plainBytes: number,
    options: UploadOptions = {},
  ): Promise<UploadedAttachment> {
    const server = this.deps.server().replace(/\/$/, "");
    const granted = await this.deps.call("createUploadToken", {
      expiresInMs: BigInt(options.expiresInMs ?? 0),
    });
    const cipherBytes = ciphertextBytes(plainBytes);
    if (cipherBytes > Number(granted.maxFileBytes))
      throw new ProtocolError(
        "FILE_TOO_LARGE",
        `the file is over the hub's ${granted.maxFileBytes}-byte limit`,
      );
    // A resumed upload already holds its share of the quota.
    if (!options.resume && cipherBytes > Number(granted.quotaRemaining))
      throw new ProtocolError(
        "QUOTA_EXCEEDED",
        `the account has ${granted.quotaRemaining} bytes of attachment storage left; this file needs ${cipherBytes}`,
      );
    const encrypted = encryptAttachment(this.deps.platform.crypto, plaintext, options.resume);
    const source = forwardOnlySource(encrypted.ciphertext, cipherBytes);
    // Loaded on first upload: a web page that never uploads does not download it (~11 KB gzip of its
    // first load, measured by bench/webClient.ts).
    const tus = await import("tus-js-client");
    const url = await new Promise<string>((resolve, reject) => {
      // The file comes from fileReader below; tus-js-client only passes this on to it.
      const upload = new tus.Upload(new Uint8Array(0) as never, {
        // Resuming: never a new upload under the same key and nonce (if the
        // hub lost the old one, the caller starts over with fresh ones).
        ...(options.resume
          ? { uploadUrl: options.resume.uploadUrl }
          : { endpoint: `${server}${granted.uploadPath}` }),
        // tus closes the source when it is done; we drain it first (below), so its close waits for ours.
        fileReader: { openFile: () => Promise.resolve({ ...source, close: () => undefined }) },
        uploadSize: cipherBytes,
        chunkSize: options.chunkBytes ?? UPLOAD_CHUNK_BYTES,
        // tus creation-with-upload: the first chunk rides on the creating POST,
        // so a file of one chunk (a photo, a voice note) is one request, not two.
        uploadDataDuringCreation: true,
        onUploadUrlAvailable: () => {
          if (upload.url)
            options.onUploadState?.({ uploadUrl: upload.url, key: encrypted.key, nonce: encrypted.nonce });
        },
        headers: { Authorization: `Bearer ${granted.token}` },
        retryDelays: [0, 1000, 3000],
        storeFingerprintForResuming: false,
        onProgress: (sent, total) => options.onProgress?.(sent, total),
        onSuccess: () => resolve(upload.url ?? ""),
        onError: (error) => reject(hubError(error)),
      });
      options.signal?.addEventListener("abort", () => {
        const reason: unknown = options.signal?.reason;
        void upload
          .abort()
          .then(() => reject(reason instanceof Error ? reason : new Error("upload aborted")));
      });
      upload.start();
    }).catch((error: unknown) => {
      source.close();
      throw error;
    });
    // A resumed upload the hub already had whole reads none of the ciphertext: the hash still needs it all.
    await source.drain();
    const blobId = url.split("/").at(-1) ?? "";
    return {
      blobId,
      url: `${server}/blobs/${blobId}`,
      key: encrypted.key,
      nonce: encrypted.nonce,
      hash: encrypted.digest(),
      plainBytes,
      cipherBytes,
    };
  }

  /** The message referencing the blob was sent: the hub keeps it to its expiry (not an orphan). */
  async complete(blobId: string, expiresAt = 0): Promise<number> {
    const done = await this.deps.call("completeBlob", { blobId, expiresAt: BigInt(expiresAt) });
    return Number(done.expiresAt);
  }

  /** Delete one's own blob (a message deleted for everyone). */
  async delete(blobId: string): Promise<void> {
    await this.deps.call("deleteBlob", { blobId });
  }

  /** The plaintext, as it downloads; rejects UNTRUSTED for a tampered or substituted blob. */
  async *download(ref: AttachmentRef): AsyncGenerator<Uint8Array> {
    const response = await fetch(ref.url);
    if (!response.ok || !response.body)
      throw new ProtocolError("NOT_FOUND", `the attachment is not on the hub (HTTP ${response.status})`);
    const body = response.body.getReader();
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const { done, value } = await body.read();
        if (done) return;
        yield value;
      }
    }
    yield* decryptAttachment(this.deps.platform.crypto, bytes(), {
      key: ref.key,
      nonce: ref.nonce,
      expectedHash: ref.hash,
    });
  }
}
