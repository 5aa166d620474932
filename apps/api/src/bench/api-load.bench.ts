import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { FsArtifactStore } from '@epoch/artifacts';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createPrismaClient, hashPassword, policyColumns } from '@epoch/db';
import { GRADING_QUEUES, ZGradingPolicy } from '@epoch/contracts';
import { claim, finishGraded, scheduleOf, type TGradedResult } from '@epoch/grading';
import { Latency } from './latency';

/** The simulated results carry no artifacts: nothing is ever written to this store. */
const NO_ARTIFACTS = new FsArtifactStore(join(tmpdir(), 'epoch-bench-no-artifacts'));

/** What the simulated graders store for every submission (no artifacts: the result page lists none). */
const BENCH_RESULT: TGradedResult = {
  testAccuracy: 0.5,
  testLoss: 1.4,
  perClassAccuracy: [],
  confusionMatrix: [],
  backend: 'bench',
  backendVersions: {},
  seed: 42,
  queueWaitMs: 0,
  trainingMs: 1000,
  evaluationMs: 10,
  artifacts: [],
};

export interface TApiLoadOptions {
  databaseUrl: string;
  redisUrl: string;
  repoRoot: string;
  students?: number;
  submissionsPerStudent?: number;
  pollsPerSubmission?: number;
  /** A student's pause between polls (and before the next submission), like a browser polling. */
  pollIntervalMs?: number;
  log?: (line: string) => void;
  /** Simulated graders (default 2): each claims and finishes one submission at a time, in the order they were posted. */
  graders?: number;
  /**
   * Unmeasured rounds first (default 300): a submission posted, graded and read, then removed. V8 optimises a function
   * only after many calls, and Prisma's query compiler (WebAssembly) tiers up the same way: an API that has served a
   * few hundred requests is what a class meets, except in the first seconds after a restart.
   */
  warmup?: number;
  /** Write a V8 CPU profile of the API process here (to see where its time goes). */
  cpuProfileDir?: string;
}

export interface TApiLoadReport {
  students: number;
  postSubmission: ReturnType<Latency['summary']>;
  getResult: ReturnType<Latency['summary']>;
  errors: number;
  errorSamples: string[];
  submitted: number;
  lost: number;
  seconds: number;
}

/**
 * One request over a kept-alive connection, its body read whole. node:http rather than fetch: the load generator
 * shares the machine's cores with the API and Postgres, and fetch costs it several times more CPU per request.
 */
function request(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * `./epoch bench api`: the real API process on loopback against real Postgres and Redis. N students sign in, then all
 * at once post valid submissions and, once each result is stored, read it several times (a student reloading the
 * result page). The graders are simulated, untimed: G of them (default 2) each claim a posted submission and store the
 * result a real grader would, one at a time in the order they were posted, as real graders take jobs; only the training
 * is left out. Reports p50/p99 latency, errors, and submissions lost between the API, Postgres and the queue.
 * Everything it creates (users, course, jobs) is removed afterwards.
 */
export async function runApiLoadBench(o: TApiLoadOptions): Promise<TApiLoadReport> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const students = o.students ?? 50;
  const perStudent = o.submissionsPerStudent ?? 4;
  const polls = o.pollsPerSubmission ?? 5;
  const interval = o.pollIntervalMs ?? 500;
  const graders = o.graders ?? 2;
  const warmup = o.warmup ?? 300;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const t = randomBytes(4).toString('hex');
  const prefix = `epoch-bench-${t}`;
  const prisma = createPrismaClient(o.databaseUrl, { maxConnections: 5 });
  const queue = new Queue(GRADING_QUEUES.general, { connection: { url: o.redisUrl }, prefix });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true });
  const api = spawn(
    process.execPath,
    [...(o.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfileDir}`] : []), '--import', 'tsx', join(o.repoRoot, 'apps/api/src/main.ts')],
    {
      cwd: o.repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DATABASE_URL: o.databaseUrl,
        REDIS_URL: o.redisUrl,
        EPOCH_API_PORT: String(port),
        EPOCH_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        EPOCH_LOGIN_RATE_LIMIT: '100000',
      },
    },
  );
  let apiErr = '';
  // Its log (warnings and errors only) and stderr, the last 20 kB, for the error messages below.
  const collect = (d: Buffer) => {
    apiErr = (apiErr + d.toString()).slice(-20_000);
  };
  api.stdout.on('data', collect);
  api.stderr.on('data', collect);
  const userIds: string[] = [];
  let courseId: string | undefined;
  try {
    const solutionCode = readFileSync(join(o.repoRoot, 'exercises/cifar10-intro/cifar10-dense/solution.py'), 'utf8');
    const course = await prisma.course.create({ data: { slug: `bench-${t}`, title: 'Bench', description: '', enrollmentCode: `BENCH-${t.toUpperCase()}` } });
    courseId = course.id;
    const exercise = await prisma.exercise.create({
      data: { courseId: course.id, slug: `bench-${t}`, title: 'Bench', position: 1, instructions: '', starterCode: '', solutionCode },
    });
    const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.3, requiredEpochs: 10, maxEpochs: 10, timeLimitSeconds: 600, dailyQuota: null });
    await prisma.gradingPolicy.create({ data: { exerciseId: exercise.id, ...policyColumns(policy) } });
    const password = 'bench-password-1234';
    const passwordHash = await hashPassword(password);
    for (let i = 0; i < students; i++) {
      const u = await prisma.user.create({
        data: { email: `bench-${t}-${i}@bench.epoch`, name: `Bench ${i}`, passwordHash, enrollments: { create: { courseId: course.id } } },
      });
      userIds.push(u.id);
    }

    const deadline = Date.now() + 60_000;
    for (;;) {
      if (api.exitCode !== null) throw new Error(`the API exited: ${apiErr}`);
      const ok = await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the API did not start: ${apiErr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const sessions: { cookie: string; csrf: string }[] = [];
    for (let i = 0; i < students; i++) {
      const r = await fetch(`${base}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench-${t}-${i}@bench.epoch`, password }),
      });
      if (!r.ok) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
      sessions.push({ cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: ((await r.json()) as { csrfToken: string }).csrfToken });
    }
    /** A signed-in student's request (a POST carries the CSRF token and an idempotency key). */
    const send = (method: 'GET' | 'POST', path: string, s: { cookie: string; csrf: string }, body?: string, key?: string) =>
      request(
        agent,
        port,
        method,
        path,
        method === 'POST'
          ? { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf, 'idempotency-key': key ?? '' }
          : { cookie: s.cookie },
        body,
      );
    log(
      `bench api: ${students} concurrent students, each posting ${perStudent} valid submissions and reading each result ${polls} times every ${interval} ms; ${graders} simulated graders, after ${warmup} unmeasured rounds`,
    );

    const post = new Latency();
    // The students' first submissions arrive as one burst (50 within one poll interval): reported apart from the rest.
    const firstPost = new Latency();
    const laterPost = new Latency();
    const get = new Latency();
    let errors = 0;
    const errorSamples: string[] = [];
    const submittedIds: string[] = [];
    const fail = (what: string) => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(what);
    };
    const source = solutionCode;
    // The simulated graders: a free one takes the oldest posted submission (its claim and result write are untimed).
    let idleGraders = graders;
    const waitingForGrader: (() => void)[] = [];
    const grade = async (id: string) => {
      if (idleGraders > 0) idleGraders--;
      else await new Promise<void>((r) => waitingForGrader.push(r));
      try {
        const claimed = await claim(prisma, id);
        if ('attempt' in claimed) {
          await finishGraded(prisma, { id, attempt: claimed.attempt }, { ...BENCH_RESULT, seed: policy.seed }, policy, scheduleOf(policy), NO_ARTIFACTS);
        }
      } finally {
        const next = waitingForGrader.shift();
        if (next) next();
        else idleGraders++;
      }
    };
    // Warm-up (JIT, query plans, connection pools, the simulated graders too): whole rounds, not measured, then removed.
    for (let j = 0; j < warmup; j++) {
      const s = sessions[j % sessions.length]!;
      const w = await send('POST', '/api/submissions', s, JSON.stringify({ course: course.slug, exercise: exercise.slug, source }), `bench-${t}-warmup-${j}`);
      const id = w.status === 201 ? (JSON.parse(w.body) as { id?: string }).id : undefined;
      if (!id) throw new Error(`the warm-up submission failed: HTTP ${w.status} (see the API's log)\n${apiErr.slice(-2000)}`);
      await grade(id);
      await send('GET', `/api/submissions/${id}/result`, s);
      await queue.remove(id);
      await prisma.submission.delete({ where: { id } });
    }
    const started = performance.now();
    await Promise.all(
      sessions.map(async (s, i) => {
        // Students do not all click in the same millisecond: spread the starts over one poll interval.
        await sleep(Math.random() * interval);
        for (let k = 0; k < perStudent; k++) {
          const t0 = performance.now();
          const r = await send('POST', '/api/submissions', s, JSON.stringify({ course: course.slug, exercise: exercise.slug, source }), `bench-${t}-${i}-${k}`);
          post.add(performance.now() - t0);
          (k === 0 ? firstPost : laterPost).add(performance.now() - t0);
          const body = (r.status === 201 ? JSON.parse(r.body) : {}) as { id?: string; status?: string };
          if (r.status !== 201 || body.status !== 'QUEUED' || !body.id) {
            fail(`POST ${r.status} ${r.body.slice(0, 200)}`);
            continue;
          }
          submittedIds.push(body.id);
          // The student waits for the result (a grader's turn), then reads it, like reloading the result page.
          await grade(body.id);
          for (let p = 0; p < polls; p++) {
            await sleep(interval);
            const g0 = performance.now();
            const g = await send('GET', `/api/submissions/${body.id}/result`, s);
            get.add(performance.now() - g0);
            if (g.status !== 200) fail(`GET result ${g.status}`);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const stored = await prisma.submission.findMany({ where: { exerciseId: exercise.id }, select: { id: true } });
    const storedIds = new Set(stored.map((s) => s.id));
    let lost = 0;
    for (const id of submittedIds) {
      if (!storedIds.has(id) || !(await queue.getJob(id))) lost++;
    }
    const report: TApiLoadReport = {
      students,
      postSubmission: post.summary(),
      getResult: get.summary(),
      errors,
      errorSamples,
      submitted: submittedIds.length,
      lost,
      seconds,
    };
    const line = (name: string, l: TApiLoadReport['postSubmission'], target: number) =>
      `${name.padEnd(22)} n=${String(l.count).padStart(5)}  p50 ${l.p50.toFixed(1).padStart(6)} ms  p99 ${l.p99.toFixed(1).padStart(6)} ms  max ${l.max.toFixed(1).padStart(6)} ms  (target p99 < ${target} ms)`;
    log(line('POST /api/submissions', report.postSubmission, 150));
    log(line('GET  …/result', report.getResult, 50));
    log(line("  each one's first", firstPost.summary(), 150));
    log(line('  the later ones', laterPost.summary(), 150));
    log(
      `errors ${errors}, submissions ${report.submitted} stored and queued, lost ${lost}, ${((post.count + get.count) / seconds).toFixed(0)} requests/s over ${seconds.toFixed(1)} s`,
    );
    for (const e of errorSamples) log(`  error: ${e}`);
    return report;
  } finally {
    agent.destroy();
    api.kill('SIGTERM');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    if (courseId) {
      await prisma.submission.deleteMany({ where: { exercise: { courseId } } });
      await prisma.course.delete({ where: { id: courseId } });
    }
    await prisma.user.deleteMany({ where: { id: { in: userIds } } });
    await prisma.$disconnect();
  }
}
