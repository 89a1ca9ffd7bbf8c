/**
 * CPU time (user + system, ms) of every process descended from this one, from
 * /proc (Linux): the browser a bench launched, all its processes (renderer,
 * GPU, network, storage). On a shared machine CPU time moves far less with
 * the others' load than a rate on the wall clock does.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function stat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields start after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid: Number(pid), ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** CPU ms used so far by the descendants of `root` (this process by default), itself left out. */
export function descendantsCpuMs(root = process.pid): number {
  const stats = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(stat)
    .filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      ticks += child.cpuTicks;
      walk(child.pid);
    }
  };
  walk(root);
  return (ticks * 1000) / TICKS_PER_SECOND;
}
