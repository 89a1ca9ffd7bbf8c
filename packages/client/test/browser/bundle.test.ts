/**
 * The browser entry's bundle holds nothing of Node: no `node:*` or bare
 * builtin import, no Node-only package. Bundled as an app would (esbuild,
 * platform browser, minified); its gzip size is printed for the record.
 */
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

const NODE_ONLY_PACKAGES = ["ws", "better-sqlite3", "pg", "nats", "pino", "bindings", "prom-client"];

/**
 * Runtime-guarded fallbacks in dependencies, never taken in a browser:
 * @hpke/common imports "crypto" only when globalThis.crypto is missing (Node <= 18).
 */
const ALLOWED_DYNAMIC = [{ importer: /node_modules\/@hpke\/common\//, path: "crypto" }];

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function nodeReachable(metafile: Metafile): string[] {
  const problems: string[] = [];
  for (const [input, info] of Object.entries(metafile.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (pkg !== undefined && NODE_ONLY_PACKAGES.includes(pkg))
      problems.push(`${input} (Node-only package ${pkg})`);
    for (const imported of info.imports) {
      const isNode = imported.path.startsWith("node:") || builtins.has(imported.path);
      if (!isNode) continue;
      const allowed = ALLOWED_DYNAMIC.some(
        (a) => imported.kind === "dynamic-import" && a.importer.test(input) && a.path === imported.path,
      );
      if (!allowed) problems.push(`${input} imports ${imported.path} (${imported.kind})`);
    }
  }
  return problems;
}

async function bundle(entry: string) {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    metafile: true,
    write: false,
    logLevel: "silent",
    // Mark Node builtins external rather than failing the build, so the check below can name them.
    external: [...builtins],
  });
  return { metafile: result.metafile, code: result.outputFiles[0]!.contents };
}

describe("browser bundle", () => {
  it("@switchboard/client/browser reaches no node: import and no Node-only package", async () => {
    const { metafile, code } = await bundle("../../src/browser.ts");
    expect(nodeReachable(metafile)).toEqual([]);
    const gzip = gzipSync(code, { level: 9 }).length;
    console.log(
      `@switchboard/client/browser bundle: ${(code.length / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzip`,
    );
  });

  it("the check finds Node when it is there (the Node entry)", async () => {
    const { metafile } = await bundle("../../src/node.ts");
    const problems = nodeReachable(metafile);
    expect(problems.some((p) => p.includes("Node-only package ws"))).toBe(true);
    expect(problems.some((p) => p.includes("imports node:crypto"))).toBe(true);
  });
});
