/**
 * An image's dimensions and a small JPEG preview of it, made in the page
 * (the SDK only carries what it is given): the preview travels inside the
 * encrypted message, so it is kept under the SDK's 64 KiB, shrinking until
 * it fits.
 */
const MAX_PREVIEW_BYTES = 64 * 1024;
const ATTEMPTS: [side: number, quality: number][] = [
  [320, 0.7],
  [200, 0.6],
  [120, 0.5],
];

export interface ImagePreview {
  width: number;
  height: number;
  bytes: Uint8Array;
}

export async function imagePreview(file: Blob): Promise<ImagePreview | undefined> {
  if (!file.type.startsWith("image/") || typeof OffscreenCanvas === "undefined") return undefined;
  const bitmap = await createImageBitmap(file).catch(() => undefined);
  if (!bitmap) return undefined;
  try {
    const { width, height } = bitmap;
    for (const [side, quality] of ATTEMPTS) {
      const scale = Math.min(1, side / Math.max(width, height));
      const canvas = new OffscreenCanvas(
        Math.max(1, Math.round(width * scale)),
        Math.max(1, Math.round(height * scale)),
      );
      canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
      if (blob.size <= MAX_PREVIEW_BYTES)
        return { width, height, bytes: new Uint8Array(await blob.arrayBuffer()) };
    }
    return { width, height, bytes: new Uint8Array(0) };
  } finally {
    bitmap.close();
  }
}
