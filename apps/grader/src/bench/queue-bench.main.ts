import { runQueueBench } from './queue-bench';

/**
 * `npx tsx apps/grader/src/bench/queue-bench.main.ts [--count 300] [--workers 2] [--grader bundle|sources]` (what
 * `./epoch bench queue` runs, after building the grader's bundle): needs DATABASE_URL and REDIS_URL (default: Epoch's
 * own services) and CIFAR-10 prepared (`./epoch data prepare`).
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a whole number of at least 1, got ${String(process.argv[i + 1])}`);
  return v;
}

const graderIndex = process.argv.indexOf('--grader');
const grader = graderIndex < 0 ? 'bundle' : process.argv[graderIndex + 1];
if (grader !== 'bundle' && grader !== 'sources') throw new Error(`--grader is bundle or sources, got ${String(grader)}`);

const r = await runQueueBench({
  grader,
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:54329/epoch',
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:63799',
  count: arg('count', 300),
  workers: arg('workers', 2),
  log: (l) => process.stderr.write(`${l}\n`),
});
process.stdout.write(
  [
    `submissions: ${r.count} created, ${r.accepted} accepted, ${r.enqueued} enqueued, ${r.graded} graded (${Object.entries(r.byStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    `lost: ${r.lost}, duplicated: ${r.duplicated}`,
    `enqueue latency (write + enqueue): p50 ${r.enqueueP50Ms.toFixed(1)} ms, p99 ${r.enqueueP99Ms.toFixed(1)} ms`,
    `completion: ${r.completionSeconds.toFixed(1)} s (${r.jobsPerMinute.toFixed(0)} jobs/min)`,
  ].join('\n') + '\n',
);
process.exit(r.lost === 0 && r.duplicated === 0 && r.graded === r.count ? 0 : 1);
