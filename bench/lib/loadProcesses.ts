/**
 * Load-generator processes: child processes that each hold a share of the
 * devices and obey typed commands from the workload over IPC. Separate
 * processes because (1) the load must not share an event loop with the hub
 * or with the runner, and (2) every open socket is a file descriptor: 10,000
 * client sockets in one process would crowd the runner's own limit (20,000
 * here), so they are spread over several processes.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Command name -> its input and output (structured-cloneable values). */
export type CommandMap = Record<string, { input: unknown; output: unknown }>;

export type Handlers<M extends CommandMap> = {
  [K in keyof M]: (input: M[K]["input"], progress: (done: number) => void) => Promise<M[K]["output"]>;
};

interface CallMessage {
  id: number;
  command: string;
  input: unknown;
}

type ReplyMessage =
  | { id: number; kind: "progress"; done: number }
  | { id: number; kind: "result"; output: unknown }
  | { id: number; kind: "error"; message: string };

export class LoadProcess<M extends CommandMap> {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; progress(done: number): void }
  >();

  constructor(readonly child: ChildProcess) {
    child.on("message", (raw) => {
      const message = raw as ReplyMessage;
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      if (message.kind === "progress") return waiter.progress(message.done);
      this.waiting.delete(message.id);
      if (message.kind === "result") waiter.resolve(message.output);
      else waiter.reject(new Error(message.message));
    });
    child.once("exit", (code, signal) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`load process exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<K extends keyof M & string>(
    command: K,
    input: M[K]["input"],
    progress: (done: number) => void = () => {},
  ): Promise<M[K]["output"]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      this.child.send({ id, command, input } satisfies CallMessage);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
      setTimeout(() => this.child.kill("SIGKILL"), 5_000).unref();
    });
  }
}

/** Start `count` processes running `module` (a .ts file that calls serveCommands). */
export function forkLoadProcesses<M extends CommandMap>(module: URL, count: number): LoadProcess<M>[] {
  return Array.from(
    { length: count },
    () =>
      new LoadProcess<M>(
        fork(fileURLToPath(module), [], {
          execArgv: ["--import", "tsx"],
          // "advanced" carries Uint8Arrays and Maps as they are.
          serialization: "advanced",
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        }),
      ),
  );
}

/** In a load process: answer the parent's commands, one handler per command. */
export function serveCommands<M extends CommandMap>(handlers: Handlers<M>): void {
  const reply = (message: ReplyMessage) => process.send?.(message);
  process.on("message", (raw) => {
    const { id, command, input } = raw as CallMessage;
    const handler = handlers[command] as
      | ((input: unknown, progress: (done: number) => void) => Promise<unknown>)
      | undefined;
    if (!handler) return reply({ id, kind: "error", message: `unknown command ${command}` });
    handler(input, (done) => reply({ id, kind: "progress", done })).then(
      (output) => reply({ id, kind: "result", output }),
      (err: unknown) =>
        reply({ id, kind: "error", message: err instanceof Error ? err.message : String(err) }),
    );
  });
  // The parent going away (a crashed runner) must not leave load running.
  process.on("disconnect", () => process.exit(0));
}

/** Sum the progress of several processes into one figure. */
export function progressSum(
  count: number,
  report: (done: number) => void,
): (i: number) => (d: number) => void {
  const done = new Array<number>(count).fill(0);
  return (i) => (d) => {
    done[i] = d;
    report(done.reduce((a, b) => a + b, 0));
  };
}
