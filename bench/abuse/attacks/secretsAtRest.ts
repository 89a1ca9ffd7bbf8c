/**
 * Issue 14: "`hub_key` (the external-sender private key) lies in clear in a
 * 0644 file, and so does the database". Looks at the hub's data directory.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Attack } from "../types.js";

export const secretsAtRest: Attack = {
  name: "secrets at rest",
  what: "another local user reads the hub's data directory",
  async run(ctx) {
    const readable: string[] = [];
    const modes: string[] = [];
    for (const name of readdirSync(ctx.dataDir)) {
      const mode = statSync(join(ctx.dataDir, name)).mode & 0o777;
      modes.push(`${name} ${mode.toString(8)}`);
      if (mode & 0o077) readable.push(name);
    }
    const dirMode = statSync(ctx.dataDir).mode & 0o777;
    return {
      answered: `dir ${dirMode.toString(8)}; ${modes.join(", ")}`,
      held: readable.length === 0,
    };
  },
};
