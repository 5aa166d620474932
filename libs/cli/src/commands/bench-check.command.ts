import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchCheck } from '@epoch/model-spec';
import { LESSON_FIXTURES } from '@epoch/model-spec/fixtures';
import type { CommandIo } from '../io';

export interface TBenchCheckOptions {
  warmup?: number;
  iterations?: number;
}

/** `./epoch bench check`: median and p99 time to check the lesson's model3 solution, and 64 KiB throughput. */
export async function runBenchCheckCommand(opts: TBenchCheckOptions, io: CommandIo): Promise<number> {
  const source = await readFile(fileURLToPath(LESSON_FIXTURES.model3), 'utf8');
  const r = benchCheck(source, { warmup: opts.warmup ?? 50, iterations: opts.iterations ?? 300 });
  io.out(
    `check model3 (lesson solution, ${source.length} bytes): median ${r.medianMs.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms over ${r.iterations} runs after warm-up (target: median < 20 ms)`,
  );
  io.out(`check 64 KiB input (${r.largeBytes} bytes): ${r.largeMs.toFixed(1)} ms, ${r.throughputMiBPerSecond.toFixed(2)} MiB/s`);
  return 0;
}
