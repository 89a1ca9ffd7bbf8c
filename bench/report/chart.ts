/**
 * bench/results/latency.svg: p50 and p99 end-to-end latency against offered
 * load, one panel per workload with a latency curve, one colour per system
 * (solid p50, dashed p99), the 25 ms p99 target as a grey line.
 * Both axes are logarithmic: the hub and the baseline differ by an order of
 * magnitude in load and in latency. Hand-written SVG, no chart library.
 */
import type { LatencyPoint, WorkloadResult } from "../workloads/types.js";

const WIDTH = 760;
const PANEL_HEIGHT = 320;
const MARGIN = { left: 64, right: 170, top: 34, bottom: 46 };
const COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df", "#bf8700"];
const TARGET_MS = 25;

interface Scale {
  x(v: number): number;
  y(v: number): number;
  xTicks: number[];
  yTicks: number[];
}

/** Decades and their 2 and 5 multiples inside [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let d = Math.floor(Math.log10(lo)); d <= Math.ceil(Math.log10(hi)); d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks;
}

function logScale(lo: number, hi: number, from: number, to: number): (v: number) => number {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return (v) => from + ((Math.log10(Math.max(v, lo)) - a) / (b - a)) * (to - from);
}

function label(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1000) return `${v / 1000}k`;
  return String(v);
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function panel(name: string, series: { system: string; curve: LatencyPoint[] }[], top: number): string {
  const points = series.flatMap((s) => s.curve);
  const xs = points.map((p) => p.offered);
  const ys = points.flatMap((p) => [p.p50, p.p99]).filter((v) => v > 0 && Number.isFinite(v));
  const xLo = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const xHi = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...ys, 1)));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...ys, TARGET_MS * 2)));
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const y0 = top + PANEL_HEIGHT - MARGIN.bottom;
  const y1 = top + MARGIN.top;
  const scale: Scale = {
    x: logScale(xLo, xHi, left, right),
    y: logScale(yLo, yHi, y0, y1),
    xTicks: logTicks(xLo, xHi),
    yTicks: logTicks(yLo, yHi),
  };
  const out: string[] = [];
  out.push(`<text x="${left}" y="${top + 20}" font-weight="bold">${esc(name)}</text>`);
  for (const t of scale.xTicks) {
    const x = scale.x(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y1}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${y0 + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of scale.yTicks) {
    const y = scale.y(t).toFixed(1);
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#eee"/>`);
    out.push(
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${left}" y="${y1}" width="${right - left}" height="${y0 - y1}" fill="none" stroke="#888"/>`,
  );
  const target = scale.y(TARGET_MS).toFixed(1);
  out.push(
    `<line x1="${left}" y1="${target}" x2="${right}" y2="${target}" stroke="#999" stroke-dasharray="2 3"/>`,
  );
  out.push(
    `<text x="${right - 4}" y="${Number(target) - 4}" text-anchor="end" fill="#777">p99 target ${TARGET_MS} ms</text>`,
  );
  out.push(
    `<text x="${(left + right) / 2}" y="${y0 + 34}" text-anchor="middle">offered load (messages/s, log)</text>`,
  );
  out.push(
    `<text transform="translate(${left - 46} ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">latency (ms, log)</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    for (const [key, dash] of [
      ["p50", ""],
      ["p99", ` stroke-dasharray="6 4"`],
    ] as const) {
      const path = s.curve
        .map((p, j) => `${j === 0 ? "M" : "L"}${scale.x(p.offered).toFixed(1)},${scale.y(p[key]).toFixed(1)}`)
        .join(" ");
      out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      for (const p of s.curve) {
        out.push(
          `<circle cx="${scale.x(p.offered).toFixed(1)}" cy="${scale.y(p[key]).toFixed(1)}" r="3" fill="${color}"/>`,
        );
      }
      const ly = y1 + 14 + (i * 2 + (key === "p99" ? 1 : 0)) * 18;
      out.push(
        `<line x1="${right + 12}" y1="${ly}" x2="${right + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      );
      out.push(`<text x="${right + 46}" y="${ly}" dominant-baseline="middle">${esc(s.system)} ${key}</text>`);
    }
  });
  return out.join("\n");
}

/** The chart for every workload with a curve of at least two points; undefined if there is none. */
export function latencyChart(results: WorkloadResult[]): string | undefined {
  const names = [...new Set(results.filter((r) => (r.curve?.length ?? 0) >= 2).map((r) => r.name))];
  if (names.length === 0) return undefined;
  const panels = names.map((name, i) =>
    panel(
      name,
      results
        .filter((r) => r.name === name && (r.curve?.length ?? 0) >= 2)
        .map((r) => ({ system: r.system, curve: r.curve! })),
      i * PANEL_HEIGHT,
    ),
  );
  const height = names.length * PANEL_HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...panels,
    `</svg>`,
    "",
  ].join("\n");
}
