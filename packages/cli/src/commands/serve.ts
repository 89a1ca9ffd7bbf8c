/**
 * `switchboard serve`: one hub node. Alone, on the embedded SQLite store and
 * the in-process bus (the default); or one of many, on PostgreSQL and NATS
 * (`--db postgres://... --nats nats://...`). `switchboard migrate` brings a
 * database's schema up to date without starting a node.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import type { ServerConfig } from "@switchboard/server";
import { SERVE_HELP } from "./serveHelp.js";

type ConfigFlags = Partial<Record<"host" | "port" | "db" | "nats", string>> & {
  config?: string;
  hubKeyFile?: string;
};

/**
 * The hub's code is loaded only when a hub command runs: `switchboard --help`
 * and the device commands start without it (packages/cli/README.md).
 */
const server = () => import("@switchboard/server");

/** The web client's build (packages/web/dist), wherever npm put the workspace. */
function webClientBuild(): string {
  const web = dirname(createRequire(import.meta.url).resolve("@switchboard/web/package.json"));
  return join(web, "dist");
}

/** Defaults < config file (--config or $SWITCHBOARD_CONFIG) < environment < flags given on the command line. */
async function configFrom(options: ConfigFlags, command: Command): Promise<ServerConfig> {
  const { DEFAULT_CONFIG, loadConfigFile, resolveConfig } = await server();
  const file = options.config ?? process.env.SWITCHBOARD_CONFIG;
  const base = file ? loadConfigFile(file) : DEFAULT_CONFIG;
  const given: ConfigFlags = {};
  for (const key of ["host", "port", "db", "nats"] as const)
    if (command.getOptionValueSource(key) === "cli" && options[key] !== undefined) given[key] = options[key];
  return resolveConfig(base, process.env, given);
}

export function addServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      `run a hub node (SQLite and the demo apps unless configured otherwise; env: ${SERVE_HELP.env})`,
    )
    .option("--port <port>", `port to listen on (default ${SERVE_HELP.port})`)
    .option("--host <host>", `address to listen on (default ${SERVE_HELP.host})`)
    .option("--db <path-or-url>", `SQLite file or postgres:// URL (default ${SERVE_HELP.db})`)
    .option(
      "--nats <urls>",
      "NATS URLs, comma-separated, to run as one node of many (default: in-process bus)",
    )
    .option(
      "--config <file>",
      "JSON configuration file (apps, port, host, db, nats, logLevel and the sections verification, connections, rateLimits, storage, membership)",
    )
    .option(
      "--hub-key-file <file>",
      `the hub's private key, created 0600 if missing (default: hub.key next to the SQLite file, else ./data/hub.key; env: SWITCHBOARD_HUB_KEY_FILE, or the key itself in ${SERVE_HELP.hubKeyEnv})`,
    )
    .action(async (options: ConfigFlags, command: Command) => {
      const config = await configFrom(options, command);
      const { openBackends, startHub, loadHubKey, defaultHubKeyFile, HUB_KEY_ENV } = await server();
      const { destination, pino } = await import("pino");
      const logger = pino({ level: config.logLevel }, destination(2));
      const backends = await openBackends(config, logger);
      const hubKey = await loadHubKey(
        {
          file: options.hubKeyFile ?? process.env.SWITCHBOARD_HUB_KEY_FILE ?? defaultHubKeyFile(config.db),
          env: process.env[HUB_KEY_ENV],
        },
        backends.store,
      ).catch(async (err: unknown) => {
        await backends.store.close();
        await backends.bus.close();
        throw err;
      });
      const hub = await startHub({
        hubKey,
        store: backends.store,
        bus: backends.bus,
        apps: config.apps,
        host: config.host,
        port: config.port,
        logger,
        webRoot: webClientBuild(),
        // Each app's verifier (none | log | webhook) is built by the hub from its config.
        verification: config.verification,
        connections: config.connections,
        rateLimits: config.rateLimits,
        storage: config.storage,
        membership: config.membership,
        media: { blobs: backends.blobs, settings: config.media },
      });
      process.stdout.write(
        `Switchboard listening on ${hub.url} (apps: ${config.apps.map((a) => a.id).join(", ")}; ${backends.description})\n`,
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        hub.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });

  program
    .command("migrate")
    .description("bring the database's schema up to date (SQLite file or postgres:// URL), then exit")
    .option("--db <path-or-url>", `SQLite file or postgres:// URL (default ${SERVE_HELP.db})`)
    .option("--config <file>", "JSON configuration file")
    .action(async (options: ConfigFlags, command: Command) => {
      const config = await configFrom(options, command);
      const { migrateDatabase, redact } = await server();
      const { from, to } = await migrateDatabase(config.db);
      process.stdout.write(
        from === to
          ? `${redact(config.db)}: schema is up to date (version ${to})\n`
          : `${redact(config.db)}: schema migrated from version ${from} to ${to}\n`,
      );
    });
}
