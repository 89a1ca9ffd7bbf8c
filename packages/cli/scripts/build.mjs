#!/usr/bin/env node
/**
 * Builds the `switchboard` command into packages/cli/dist: one ES module per
 * entry chunk, our own packages bundled in (they ship TypeScript), everything
 * from the npm registry left as an import. Plain JavaScript starts in a tenth
 * of the time tsx needs to compile the sources on every run (about 2 s), and
 * the hub's and the SDK's code are split into chunks loaded only by the
 * commands that need them. Run by `npm install` (prepare), `npm start`, and
 * the test suite's global setup; bin/switchboard.js falls back to the sources
 * when dist/ is missing or older than them.
 */
import { rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cli = fileURLToPath(new URL("..", import.meta.url));
const out = `${cli}dist`;

/** Our workspace packages are bundled; every other bare import stays external. @type {import("esbuild").Plugin} */
const externalDependencies = {
  name: "external-dependencies",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@switchboard/") ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildCli() {
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: { main: `${cli}src/main.ts` },
    outdir: out,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    plugins: [externalDependencies],
    logLevel: "warning",
  });
  // Marks a complete build: bin/switchboard.js compares its time with the sources'.
  writeFileSync(`${out}/built`, new Date().toISOString() + "\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
