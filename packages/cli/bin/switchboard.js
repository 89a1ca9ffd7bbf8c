#!/usr/bin/env node
// The `switchboard` command. It runs the JavaScript build in ../dist
// (scripts/build.mjs) when that build is complete and newer than every source
// file of the packages it bundles; otherwise it runs the TypeScript sources
// through tsx's loader (about 2 s slower to start), so an edited source is
// never shadowed by a stale build.
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..");
const packages = join(cli, "..");

/** @param {string} dir @returns {number} the newest modification time below dir, in ms */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsFresh() {
  let built;
  try {
    built = statSync(join(cli, "dist", "built")).mtimeMs;
  } catch {
    return false;
  }
  return ["cli", "client", "server", "protocol"].every(
    (p) => newestSource(join(packages, p, "src")) <= built,
  );
}

if (buildIsFresh()) {
  await import("../dist/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
