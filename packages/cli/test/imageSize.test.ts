/** [MD15] the CLI sends an image's dimensions when its header gives them for free (PNG, GIF). */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { imageSize } from "../src/commands/fileCommands.js";

const dir = mkdtempSync(join(tmpdir(), "switchboard-imagesize-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("[MD15] image dimensions from the header", () => {
  it("reads a PNG's IHDR and a GIF's screen descriptor", async () => {
    const png = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(png);
    png.write("IHDR", 12, "latin1");
    png.writeUInt32BE(1920, 16);
    png.writeUInt32BE(1080, 20);
    expect(await imageSize(file("a.png", png))).toEqual({ width: 1920, height: 1080 });

    const gif = Buffer.alloc(13);
    gif.write("GIF89a", 0, "latin1");
    gif.writeUInt16LE(320, 6);
    gif.writeUInt16LE(240, 8);
    expect(await imageSize(file("b.gif", gif))).toEqual({ width: 320, height: 240 });
  });

  it("says nothing for anything else, or a file too short", async () => {
    expect(await imageSize(file("c.jpg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])))).toBeUndefined();
    expect(await imageSize(file("d.txt", Buffer.from("hello")))).toBeUndefined();
    expect(await imageSize(file("e.bin", Buffer.alloc(0)))).toBeUndefined();
  });
});
