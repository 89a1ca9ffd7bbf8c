/** Start the baseline forwarder in its own process, as the hub runs in its own. */
import { fileURLToPath } from "node:url";
import { startProcess, type ServerProcess } from "../lib/hubProcess.js";

const FORWARDER = fileURLToPath(new URL("./forwarder.ts", import.meta.url));

export function startForwarder(): Promise<ServerProcess> {
  return startProcess(["--import", "tsx", FORWARDER]);
}
