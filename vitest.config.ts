import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    // Scenario tests start real servers and real MLS clients; give them room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Builds packages/cli/dist, which the tests that spawn `switchboard` run.
    globalSetup: ["devkit/buildCli.ts"],
  },
});
