/**
 * A private nats-server process for tests that must kill the broker or read
 * its monitoring endpoint, which the machine's shared server cannot offer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

export const NATS_SERVER_BINARY = process.env["NATS_SERVER_BIN"] ?? "/usr/sbin/nats-server";

export interface PrivateNatsServer {
  readonly url: string;
  /** The monitoring endpoint (http://127.0.0.1:<port>). */
  readonly monitorUrl: string;
  /** SIGKILL: the clients see their connection drop, as when a broker host dies. */
  kill(): Promise<void>;
  /** Start again on the same ports. */
  restart(): Promise<void>;
  /** Subjects each named client connection is subscribed to, as the server sees it. */
  subscriptions(connectionName: string): Promise<string[]>;
}

export function natsServerBinaryPresent(): Promise<void> {
  return existsSync(NATS_SERVER_BINARY)
    ? Promise.resolve()
    : Promise.reject(new Error(`${NATS_SERVER_BINARY} not found`));
}

export async function startPrivateNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  const monitorPort = await freePort();
  let child: ChildProcess | undefined = await spawnServer(port, monitorPort);
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl,
    async kill() {
      const dying = child;
      child = undefined;
      if (!dying || dying.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => dying.once("exit", () => resolve()));
      dying.kill("SIGKILL");
      await exited;
    },
    async restart() {
      if (child) throw new Error("the private nats-server is running");
      child = await spawnServer(port, monitorPort);
    },
    async subscriptions(connectionName) {
      const response = await fetch(`${monitorUrl}/connz?subs=1`);
      const body = (await response.json()) as {
        connections?: { name?: string; subscriptions_list?: string[] }[];
      };
      return (body.connections ?? [])
        .filter((c) => c.name === connectionName)
        .flatMap((c) => c.subscriptions_list ?? [])
        .sort();
    },
  };
}

/** Starts nats-server and resolves when it logs that it is ready (rejects on exit or after 10 s). */
function spawnServer(port: number, monitorPort: number): Promise<ChildProcess> {
  const child = spawn(
    NATS_SERVER_BINARY,
    ["-a", "127.0.0.1", "-p", String(port), "-m", String(monitorPort)],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => fail(new Error(`nats-server not ready within 10 s:\n${log}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`nats-server exited (${code}):\n${log}`)));
    const onLog = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes("Server is ready")) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.removeAllListeners("error");
      // Keep reading (and discarding) so a full pipe never blocks the server.
      child.stderr?.off("data", onLog).resume();
      resolve(child);
    };
    child.stderr?.on("data", onLog);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
