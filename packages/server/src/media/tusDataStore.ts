/**
 * tus's DataStore over our BlobStore port, so uploads go to whichever adapter
 * the hub runs (not @tus/file-store: one port, two adapters, one suite). The
 * blob's owner and expiry come from the upload token, through the metadata
 * that onUploadCreate sets (the client's own metadata is dropped: a filename
 * is the message's business, and travels encrypted).
 */
import type { Readable } from "node:stream";
import { ProtocolError } from "@switchboard/protocol";
import { DataStore, Upload } from "@tus/utils";
import type { BlobStore, NewBlob } from "./blobStore.js";

/** The metadata keys onUploadCreate sets for create(). */
export function blobMetadata(blob: NewBlob, quotaBytes: number): Record<string, string> {
  return {
    owner: blob.owner,
    createdAt: String(blob.createdAt),
    expiresAt: String(blob.expiresAt),
    quotaBytes: String(quotaBytes),
  };
}

export class BlobDataStore extends DataStore {
  constructor(private readonly blobs: BlobStore) {
    super();
    // No deferred length (a blob's size is reserved against the quota when created) and no concatenation.
    this.extensions = ["creation", "creation-with-upload", "termination"];
  }

  override async create(upload: Upload): Promise<Upload> {
    const meta = upload.metadata ?? {};
    if (upload.size === undefined || !meta["owner"])
      throw new ProtocolError("INVALID_ARGUMENT", "an upload declares its length when created");
    await this.blobs.create(
      {
        id: upload.id,
        owner: meta["owner"],
        size: upload.size,
        createdAt: Number(meta["createdAt"]),
        expiresAt: Number(meta["expiresAt"]),
      },
      Number(meta["quotaBytes"]),
    );
    upload.metadata = {};
    upload.creation_date = new Date(Number(meta["createdAt"])).toISOString();
    return upload;
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    return this.blobs.append(id, offset, stream);
  }

  override async getUpload(id: string): Promise<Upload> {
    const blob = await this.blobs.info(id);
    if (!blob) throw new ProtocolError("NOT_FOUND", "no such upload");
    return new Upload({
      id,
      size: blob.size,
      offset: blob.received,
      metadata: {},
      creation_date: new Date(blob.createdAt).toISOString(),
    });
  }

  override async remove(id: string): Promise<void> {
    if (!(await this.blobs.delete(id))) throw new ProtocolError("NOT_FOUND", "no such upload");
  }
}
