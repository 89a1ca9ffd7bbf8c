/**
 * A PostgreSQL and a NATS server of the test's own, on free ports in a temp
 * directory, so a test can restart them under load without disturbing the
 * machine's shared services (which other test files use at the same time).
 * The binaries come from Debian's postgresql and nats-server packages.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { userInfo, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./freePort.js";

const PG_ROOT = "/usr/lib/postgresql";
const NATS_SERVER = "/usr/sbin/nats-server";

function postgresBin(name: string): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const path = join(PG_ROOT, v, "bin", name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Why a private server cannot run here, or undefined when it can. */
export function privateServicesMissing(): string | undefined {
  if (!postgresBin("initdb") || !postgresBin("pg_ctl")) return `no PostgreSQL binaries under ${PG_ROOT}`;
  if (!existsSync(NATS_SERVER)) return `no ${NATS_SERVER}`;
  return undefined;
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user then. */
function asPostgres(bin: string, args: string[]): string[] {
  return userInfo().uid === 0 ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
}

function run(argv: string[]): void {
  execFileSync(argv[0]!, argv.slice(1), { stdio: "ignore", timeout: 60_000 });
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/postgres */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-pg-"));
    if (userInfo().uid === 0)
      chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), -1);
    run(
      asPostgres(postgresBin("initdb")!, [
        "-D",
        join(dir, "data"),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
      ]),
    );
    const pg = new PrivatePostgres(dir, await freePort());
    pg.startServer();
    return pg;
  }

  startServer(): void {
    // fsync stays on: acknowledged writes must survive what the tests do.
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    run(
      asPostgres(postgresBin("pg_ctl")!, [
        "-D",
        join(this.dir, "data"),
        "-o",
        options,
        "-w",
        "-l",
        join(this.dir, "log"),
        "start",
      ]),
    );
  }

  /** Stop at once (clients' connections are cut); start again with restart(). */
  stopServer(): void {
    run(asPostgres(postgresBin("pg_ctl")!, ["-D", join(this.dir, "data"), "-m", "immediate", "-w", "stop"]));
  }

  async close(): Promise<void> {
    try {
      this.stopServer();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PrivateNats {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNats> {
    const nats = new PrivateNats(await freePort());
    await nats.startServer();
    return nats;
  }

  async startServer(): Promise<void> {
    const child = spawn(NATS_SERVER, ["-a", "127.0.0.1", "-p", String(this.port)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${err}`)), 15_000);
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        if (err.includes("Server is ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}: ${err}`));
      });
    });
  }

  async stopServer(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  async close(): Promise<void> {
    await this.stopServer();
  }
}
