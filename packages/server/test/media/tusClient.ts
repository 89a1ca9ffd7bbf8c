/** Uploads with tus-js-client, as the SDK will (Node). */
import * as tus from "tus-js-client";

export interface Uploaded {
  url: string;
  id: string;
}

/** Upload with tus-js-client; `stopAt` aborts once that many bytes are accepted. */
export function tusUpload(
  hubUrl: string,
  data: Buffer,
  token: string,
  options: {
    uploadUrl?: string;
    stopAt?: number;
    chunkSize?: number;
    onChunk?: (accepted: number) => void;
  } = {},
): Promise<Uploaded & { stopped: boolean }> {
  return new Promise((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(data, {
      endpoint: `${hubUrl}/uploads/`,
      ...(options.uploadUrl ? { uploadUrl: options.uploadUrl } : {}),
      chunkSize: options.chunkSize ?? 64 * 1024,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { filename: "secret-name.jpg" },
      retryDelays: null,
      storeFingerprintForResuming: false,
      onChunkComplete(_size, accepted) {
        options.onChunk?.(accepted);
        if (options.stopAt !== undefined && accepted >= options.stopAt && accepted < data.byteLength) {
          void upload.abort().then(() => resolve({ ...located(upload), stopped: true }));
        }
      },
      onSuccess: () => resolve({ ...located(upload), stopped: false }),
      onError: reject,
    });
    upload.start();
  });
}

export function located(upload: tus.Upload): Uploaded {
  const url = upload.url ?? "";
  return { url, id: url.split("/").at(-1) ?? "" };
}
