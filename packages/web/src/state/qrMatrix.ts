/**
 * A QR code as one SVG path of dark modules, drawn by qrcode-generator (a
 * small, long-kept library). Loaded on demand: the first load of the app
 * carries no QR code (its budget is 150 KB gzip of JavaScript).
 */
export interface QrDrawing {
  /** Modules per side, the quiet zone included. */
  size: number;
  /** SVG path data: one 1x1 square per dark module. */
  path: string;
}

const QUIET_ZONE = 4; // ISO/IEC 18004 §6.3.8: four modules of light margin

export async function drawQr(text: string): Promise<QrDrawing> {
  const { default: qrcode } = await import("qrcode-generator");
  const qr = qrcode(0, "M"); // type 0: the smallest version that holds the text
  qr.addData(text, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  let path = "";
  for (let row = 0; row < count; row++)
    for (let col = 0; col < count; col++)
      if (qr.isDark(row, col)) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
  return { size: count + 2 * QUIET_ZONE, path };
}
