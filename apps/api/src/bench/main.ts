import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runApiLoadBench } from './api-load.bench';

/** Runs the API load test: `DATABASE_URL=… REDIS_URL=… npx tsx apps/api/src/bench/main.ts [--students 50] [--submissions 4] [--polls 5] [--interval 500] [--graders 2] [--warmup 300] [--json]`. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dirname(dir) !== dir && !existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

const { values } = parseArgs({
  options: {
    students: { type: 'string' },
    submissions: { type: 'string' },
    polls: { type: 'string' },
    interval: { type: 'string' },
    graders: { type: 'string' },
    warmup: { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const databaseUrl = process.env['DATABASE_URL'];
const redisUrl = process.env['REDIS_URL'];
if (!databaseUrl || !redisUrl) {
  process.stderr.write('bench api: set DATABASE_URL and REDIS_URL (./epoch bench api does this for you)\n');
  process.exit(2);
}
const int = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench api: --${name} must be a positive integer, got "${v}"\n`);
    process.exit(2);
  }
  return n;
};
runApiLoadBench({
  databaseUrl,
  redisUrl,
  repoRoot: repoRoot(),
  students: int(values.students, 'students'),
  submissionsPerStudent: int(values.submissions, 'submissions'),
  pollsPerSubmission: int(values.polls, 'polls'),
  pollIntervalMs: int(values.interval, 'interval'),
  graders: int(values.graders, 'graders'),
  warmup: values.warmup === '0' ? 0 : int(values.warmup, 'warmup'),
  cpuProfileDir: values['cpu-prof-dir'],
  log: values.json ? () => undefined : undefined,
}).then(
  (report) => {
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(report.errors === 0 && report.lost === 0 ? 0 : 1);
  },
  (e: unknown) => {
    process.stderr.write(`bench api: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
