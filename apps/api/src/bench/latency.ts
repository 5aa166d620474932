/** Latency samples in milliseconds, summarised as the load test reports them. */
export class Latency {
  private readonly samples: number[] = [];
  add(ms: number): void {
    this.samples.push(ms);
  }
  get count(): number {
    return this.samples.length;
  }

  summary(): { count: number; p50: number; p99: number; max: number } {
    const s = [...this.samples].sort((a, b) => a - b);
    const q = (p: number) => (s.length ? (s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] as number) : 0);
    return { count: s.length, p50: q(0.5), p99: q(0.99), max: s.at(-1) ?? 0 };
  }
}
