/**
 * [XP8] SQLite's FTS5 and the scan the memory and IndexedDB adapters use
 * must find the same messages: random texts and queries (seeded fast-check),
 * both adapters, the same answers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/store/memory.js";
import { openSqliteLocalStore } from "../../src/store/sqlite/open.js";
import { conversation, message } from "./fixtures.js";

const pieces = [
  "café",
  "Cafe",
  "CAFÉ",
  "naïve",
  "über",
  "Straße",
  "日本",
  "x1",
  "42",
  "a",
  "ab",
  "abc",
  "Ça",
  "ñu",
];
const separators = [" ", ", ", "-", "_", "'", ".", "!\n", "  ", "/"];
const text = fc
  .array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...separators)), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([p, s]) => p + s).join(""));

describe("search parity", () => {
  it("[XP8] FTS5 and the scan find the same messages", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 8 }), text, async (texts, query) => {
        const memory = createMemoryStore();
        const sqlite = openSqliteLocalStore(":memory:");
        try {
          for (const store of [memory, sqlite])
            await store.write([
              { kind: "putConversation", conversation: conversation("c1") },
              ...texts.map((t, i) => ({
                kind: "putMessage" as const,
                message: message("c1", `m${i}`, { seq: i + 1, text: t, serverTime: 1000 + i }),
              })),
            ]);
          const ids = async (s: typeof memory) => (await s.searchMessages(query)).map((m) => m.id);
          expect(await ids(sqlite)).toEqual(await ids(memory));
        } finally {
          await memory.close();
          await sqlite.close();
        }
      }),
      { seed: 20261206, numRuns: 300 },
    );
  });
});
