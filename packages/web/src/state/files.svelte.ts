/**
 * Files in the open chat (SPEC MD17): which messages carry which files
 * (looked up once per message from the SDK's store), sending files with
 * their upload's progress, and fetching one back, decrypted, as a Blob.
 */
import type { FileAttachment, LocalMessage } from "@switchboard/client";
import type { BrowserClient } from "../sdk.js";
import { imagePreview } from "./imagePreview.js";
import { describe, session } from "./session.svelte.js";

export interface Upload {
  name: string;
  sent: number;
  total: number;
}

class ChatFiles {
  /** Files by message id (MIMI ids name their conversation, so one map serves every chat). */
  byMessage = $state<Record<string, FileAttachment[]>>({});
  uploading = $state<Upload | undefined>(undefined);
  error = $state("");
  private looked = new Set<string>();
  private listening: BrowserClient | undefined;

  /** Look up the files of messages not looked at yet; a deleted message's go. */
  async track(client: BrowserClient, messages: readonly LocalMessage[]): Promise<void> {
    if (this.listening !== client) {
      this.listening = client;
      // Deleted for everyone: the SDK forgot its files (SPEC MD14); so does the screen.
      client.events.on("delete", ({ messageId }) => delete this.byMessage[messageId]);
    }
    for (const m of messages) {
      if (m.deleted) {
        if (this.byMessage[m.id]) delete this.byMessage[m.id];
        continue;
      }
      if (this.looked.has(m.id)) continue;
      this.looked.add(m.id);
      const files = await client.attachments.of(m.conversationId, m.id);
      if (files.length > 0) this.byMessage[m.id] = files;
    }
  }

  /** Send each file as its own message; images with their dimensions and a preview, voice notes with their duration. */
  async send(conversationId: string | undefined, files: readonly File[], durationMs?: number): Promise<void> {
    const client = session.client;
    if (!client || !conversationId) return;
    this.error = "";
    for (const file of files) {
      this.uploading = { name: file.name, sent: 0, total: file.size };
      try {
        const preview = await imagePreview(file);
        await client.attachments.sendFile(
          conversationId,
          { name: file.name, type: file.type, size: file.size, bytes: file },
          {
            ...(durationMs === undefined ? {} : { durationMs }),
            ...(preview ? { width: preview.width, height: preview.height } : {}),
            ...(preview && preview.bytes.byteLength > 0
              ? { thumbnail: { bytes: preview.bytes, type: "image/jpeg" } }
              : {}),
            onProgress: (sent, total) => (this.uploading = { name: file.name, sent, total }),
          },
        );
      } catch (err) {
        this.error = describe(err);
      } finally {
        this.uploading = undefined;
      }
    }
  }

  /** The decrypted file (its hash checked by the SDK), reporting the bytes so far. */
  async download(file: FileAttachment, onProgress: (bytes: number) => void): Promise<Blob> {
    const client = session.client;
    if (!client) throw new Error("not signed in");
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let got = 0;
    for await (const piece of client.attachments.download(file)) {
      parts.push(piece as Uint8Array<ArrayBuffer>);
      got += piece.byteLength;
      onProgress(got);
    }
    return new Blob(parts, { type: file.type });
  }
}

export const chatFiles = new ChatFiles();

/** "12 KB", "3.4 MB": for people, not scripts. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "0:04", "12:30": a voice note's length. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Files dropped or pasted: none when the event carries none (text stays text). */
export function filesOf(transfer: DataTransfer | null | undefined): File[] {
  return transfer ? Array.from(transfer.files) : [];
}
