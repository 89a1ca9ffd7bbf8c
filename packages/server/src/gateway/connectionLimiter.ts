/**
 * Caps on open connections, in total and per IP address (SPEC EG3), counted
 * from the upgrade request until the TCP socket closes. Refusing costs the hub
 * an HTTP status line, not a WebSocket.
 */
export class ConnectionLimiter {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerIp: number,
  ) {}

  /** Count a connection from `ip`, or answer false (counting nothing) when a cap is reached. */
  tryAcquire(ip: string): boolean {
    const fromIp = this.perIp.get(ip) ?? 0;
    if (this.total >= this.maxTotal || fromIp >= this.maxPerIp) return false;
    this.total++;
    this.perIp.set(ip, fromIp + 1);
    return true;
  }

  /** Release one connection counted by tryAcquire; call exactly once per acquire. */
  release(ip: string): void {
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp <= 1) this.perIp.delete(ip);
    else this.perIp.set(ip, fromIp - 1);
    if (fromIp > 0) this.total--;
  }

  get open(): number {
    return this.total;
  }

  openFrom(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }
}
