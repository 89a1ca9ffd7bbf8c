/** `switchboard serve`: one hub node on the embedded SQLite store and the in-process bus. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { destination, pino } from "pino";
import {
  DEFAULT_CONFIG,
  createMemoryBus,
  loadConfigFile,
  openSqliteStore,
  startHub,
} from "@switchboard/server";

export function addServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run a hub (SQLite store, the demo apps unless --config says otherwise)")
    .option("--port <port>", "port to listen on", String(DEFAULT_CONFIG.port))
    .option("--host <host>", "address to listen on", DEFAULT_CONFIG.host)
    .option("--db <path>", "SQLite database file", DEFAULT_CONFIG.db)
    .option("--config <file>", "JSON configuration file (apps, port, db, logLevel)")
    .action(
      async (options: { port: string; host: string; db: string; config?: string }, command: Command) => {
        const fromFile = options.config ? loadConfigFile(options.config) : DEFAULT_CONFIG;
        // Flags given on the command line win over the file.
        const given = (name: string) => command.getOptionValueSource(name) === "cli";
        const port = given("port") || !options.config ? Number(options.port) : fromFile.port;
        const host = given("host") || !options.config ? options.host : fromFile.host;
        const db = given("db") || !options.config ? options.db : fromFile.db;
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`--port must be a port number, not ${options.port}`);
        const logger = pino({ level: process.env.LOG_LEVEL ?? fromFile.logLevel }, destination(2));
        if (db !== ":memory:") mkdirSync(dirname(db), { recursive: true });
        const store = openSqliteStore({ path: db });
        const hub = await startHub({
          store,
          bus: createMemoryBus(),
          apps: fromFile.apps,
          host,
          port,
          logger,
        });
        process.stdout.write(
          `Switchboard listening on ${hub.url} (apps: ${fromFile.apps.map((a) => a.id).join(", ")}; db: ${db})\n`,
        );
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, "shutting down");
          hub.close().then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error({ err: String(err) }, "shutdown failed");
              process.exit(1);
            },
          );
        };
        process.on("SIGINT", () => stop("SIGINT"));
        process.on("SIGTERM", () => stop("SIGTERM"));
      },
    );
}
