/**
 * The kernel's count of connections refused because a listen queue was full
 * (TcpExt ListenOverflows, Linux). A connect storm past the hub's accept
 * backlog (Node's default is 511) makes the kernel drop SYNs; clients retry
 * after 1 s, then 3 s, which shows up as steps in time-to-connect. The
 * counter is machine-wide: read it around one workload, on a quiet machine.
 */
import { readFileSync } from "node:fs";

export function listenOverflows(): number {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8").split("\n");
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i]!.split(/\s+/);
      const values = lines[i + 1]!.split(/\s+/);
      const at = names.indexOf("ListenOverflows");
      if (names[0] === "TcpExt:" && at > 0) return Number(values[at]);
    }
  } catch {
    // Not Linux: no figure.
  }
  return NaN;
}
