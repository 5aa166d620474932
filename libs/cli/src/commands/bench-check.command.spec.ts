import { describe, expect, it } from 'vitest';
import { runBenchCheckCommand } from './bench-check.command';

describe('./epoch bench check', () => {
  it('prints the median and p99 for model3 and the 64 KiB throughput', async () => {
    const out: string[] = [];
    const code = await runBenchCheckCommand({ warmup: 2, iterations: 5 }, { out: (s) => void out.push(s), err: () => undefined });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^check model3 \(lesson solution, \d+ bytes\): median \d+\.\d\d ms, p99 \d+\.\d\d ms over 5 runs after warm-up/);
    expect(out[1]).toMatch(/^check 64 KiB input \(6\d{4} bytes\): \d+\.\d ms, \d+\.\d\d MiB\/s$/);
  });
});
