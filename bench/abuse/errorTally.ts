/** Counts answers by kind ("ok", "RATE_LIMITED", "closed" ...) and says them in one line. */
export class Tally {
  private readonly counts = new Map<string, number>();
  private firstRefusal: { kind: string; at: number } | undefined;
  private total = 0;

  add(kind: string): void {
    this.total++;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (kind !== "ok" && this.firstRefusal === undefined) this.firstRefusal = { kind, at: this.total };
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  get accepted(): number {
    return this.count("ok");
  }

  /** "RATE_LIMITED after 20 of 500 (ok 20, RATE_LIMITED 480)" */
  describe(): string {
    const parts = [...this.counts].map(([k, n]) => `${k} ${n}`).join(", ");
    if (!this.firstRefusal) return `all ${this.total} accepted`;
    return `${this.firstRefusal.kind} from #${this.firstRefusal.at} of ${this.total} (${parts})`;
  }
}
