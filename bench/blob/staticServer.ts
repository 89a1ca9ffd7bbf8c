/** The baseline: a bare Node HTTP server that stores PUT bodies in files and streams them back on GET. */
import { createReadStream, createWriteStream, mkdtempSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

const dir = mkdtempSync(join(tmpdir(), "sb-bench-static-"));
const server = createServer((req, res) => {
  const path = join(dir, (req.url ?? "/x").replace(/[^a-z0-9]/gi, "_"));
  if (req.method === "PUT") {
    pipeline(req, createWriteStream(path)).then(
      () => res.writeHead(201).end(),
      () => res.writeHead(500).end(),
    );
    return;
  }
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(path).size });
  void pipeline(createReadStream(path), res).catch(() => {});
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address && typeof address === "object")
    process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${address.port}`, dir }) + "\n");
});
process.stdin.resume();
process.stdin.on("end", () => server.close(() => process.exit(0)));
