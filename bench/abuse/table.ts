import type { CanaryFigures } from "./probes/canary.js";

export interface Row {
  attack: string;
  what: string;
  answered: string;
  idleRssMiB: number;
  peakRssMiB: number;
  healthzMaxMs: number;
  healthzFailures: number;
  canary: CanaryFigures;
  held: boolean;
}

/** The markdown table SECURITY.md quotes. */
export function formatRows(rows: readonly Row[]): string {
  const lines = [
    "| attack | what the attacker does | what the hub answered | hub RSS idle -> peak | /healthz max | normal client | held |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const canary =
      r.canary.failures === 0
        ? `ok, ${r.canary.delivered}/${r.canary.sent} delivered (max ${r.canary.maxRoundTripMs.toFixed(0)} ms)`
        : `${r.canary.failures} failures of ${r.canary.sent} (${r.canary.lastFailure})`;
    const health = `${r.healthzMaxMs.toFixed(0)} ms${r.healthzFailures ? `, ${r.healthzFailures} failed` : ""}`;
    lines.push(
      `| ${r.attack} | ${r.what} | ${r.answered} | ${r.idleRssMiB.toFixed(0)} -> ${r.peakRssMiB.toFixed(0)} MiB | ${health} | ${canary} | ${r.held ? "yes" : "**no**"} |`,
    );
  }
  return lines.join("\n");
}
