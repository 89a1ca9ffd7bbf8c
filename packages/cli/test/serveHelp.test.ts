import { describe, expect, it } from "vitest";
import { CONFIG_ENV, DEFAULT_CONFIG, HUB_KEY_ENV } from "@switchboard/server";
import { SERVE_HELP } from "../src/commands/serveHelp.js";

describe("serve --help", () => {
  it("shows the server's own defaults and environment variables", () => {
    expect(SERVE_HELP.port).toBe(DEFAULT_CONFIG.port);
    expect(SERVE_HELP.host).toBe(DEFAULT_CONFIG.host);
    expect(SERVE_HELP.db).toBe(DEFAULT_CONFIG.db);
    expect(SERVE_HELP.hubKeyEnv).toBe(HUB_KEY_ENV);
    expect(SERVE_HELP.env).toBe(Object.keys(CONFIG_ENV).join(", "));
  });
});
