/**
 * The defaults `serve --help` shows, written out so that the help does not
 * load the hub's code (test/serveHelp.test.ts holds them equal to the
 * server's DEFAULT_CONFIG and CONFIG_ENV).
 */
export const SERVE_HELP = {
  port: 8787,
  host: "127.0.0.1",
  db: "./data/switchboard.db",
  hubKeyEnv: "SWITCHBOARD_HUB_KEY",
  env: "SWITCHBOARD_HOST, SWITCHBOARD_PORT, SWITCHBOARD_DB, SWITCHBOARD_NATS, LOG_LEVEL",
} as const;
