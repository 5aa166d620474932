import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsArtifactStore } from '@epoch/artifacts';
import { inject } from 'vitest';
import { seedDemo } from '@epoch/cli';
import { createPrismaClient, hashPassword, type EpochPrismaClient } from '@epoch/db';
import { freePort, root, startTs, waitFor, type RunningProcess } from '../helpers';

/** One real API process per test file, against the run's Postgres and Redis. */
/** `prefix`: this file's own Redis key prefix (queue, rate limits), so files never see each other's keys. */
export interface ApiUnderTest {
  base: string;
  /** The API process now running (a new one after `restart`). */
  readonly process: RunningProcess;
  prisma: EpochPrismaClient;
  prefix: string;
  /** The API's artifact store (a folder of this file's own, EPOCH_ARTIFACT_DIR), and that folder for a grader to share. */
  artifacts: FsArtifactStore;
  artifactDir: string;
  stop: () => Promise<void>;
  /**
   * Stops the API process (as an operator restarting it would), runs `whileDown` (checks made during the outage), then
   * starts a new process on the same address.
   */
  restart: (whileDown?: () => Promise<void>) => Promise<void>;
}

/** An artifact row's columns for these bytes, after storing them where the API reads artifacts from. */
export async function storedArtifact(api: ApiUnderTest, bytes: Uint8Array): Promise<{ size: number; sha256: string; storageKey: string }> {
  const o = await api.artifacts.put(bytes);
  return { size: o.size, sha256: o.sha256, storageKey: o.key };
}

/** `env`: extra variables, or a function of the API's base URL (for settings that name the API's own address). */
export async function startApi(env: Record<string, string> | ((base: string) => Record<string, string>) = {}): Promise<ApiUnderTest> {
  const prisma = createPrismaClient(inject('databaseUrl'));
  await seedDemo(prisma, { exercisesDir: join(root, 'exercises') });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prefix = `${inject('redisPrefix')}-${tag()}`;
  const artifactDir = mkdtempSync(join(tmpdir(), 'epoch-api-artifacts-'));
  const launch = async (): Promise<RunningProcess> => {
    const proc = startTs('apps/api/src/main.ts', {
      EPOCH_ARTIFACT_DIR: artifactDir,
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: prefix,
      EPOCH_API_PORT: String(port),
      LOG_LEVEL: 'warn',
      EPOCH_RECONCILE_SECONDS: '0',
      // The run's database holds the demo accounts (seeded above): production mode would refuse to start on them.
      EPOCH_DEMO: '1',
      ...(typeof env === 'function' ? env(base) : env),
    });
    try {
      await waitFor(async () => (await fetch(`${base}/api/health`)).status === 200 || undefined, 60_000, `the API on ${base}`);
    } catch (e) {
      // A failed start must not leave the process behind (afterAll never sees it).
      await proc.stop();
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${proc.output()}`);
    }
    return proc;
  };
  let proc: RunningProcess;
  try {
    proc = await launch();
  } catch (e) {
    await prisma.$disconnect();
    throw e;
  }
  const stop = async () => {
    await proc.stop();
    // The database is shared by every file of the run: leave no QUEUED submission behind for another process's
    // reconciler (or a grader started by another test) to pick up.
    await prisma.submission.updateMany({
      where: { status: { in: ['QUEUED', 'RUNNING'] }, exercise: { courseId: { in: [...createdCourses] } } },
      data: { status: 'CANCELLED' },
    });
    await prisma.$disconnect();
    rmSync(artifactDir, { recursive: true, force: true });
  };
  const restart = async (whileDown?: () => Promise<void>) => {
    // An API that cannot stop is the failure here: say so (and kill it) rather than wait for ever.
    const old = proc;
    const stopping = old.stop();
    const exited = await Promise.race([stopping.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20_000))]);
    if (!exited) {
      old.child.kill('SIGKILL');
      await stopping;
      proc = await launch();
      throw new Error(`the API did not stop within 20 s of SIGTERM:\n${old.output().slice(-3000)}`);
    }
    try {
      await whileDown?.();
    } finally {
      proc = await launch();
    }
  };
  return {
    base,
    get process() {
      return proc;
    },
    prisma,
    prefix,
    artifacts: new FsArtifactStore(artifactDir),
    artifactDir,
    stop,
    restart,
  };
}

/** A short random tag so users and courses of one file never collide with another file's in the shared database. */
export const tag = () => randomBytes(4).toString('hex');

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: 'STUDENT' | 'INSTRUCTOR' | 'ADMIN';
}

/** Creates users directly in the database (argon2 is slow: do this once per file). */
export async function createUsers(prisma: EpochPrismaClient, specs: { key: string; role: TestUser['role'] }[]): Promise<Record<string, TestUser>> {
  const t = tag();
  const password = 'correct-horse-battery';
  const passwordHash = await hashPassword(password);
  const out: Record<string, TestUser> = {};
  for (const s of specs) {
    const email = `${s.key}-${t}@test.epoch`.toLowerCase();
    const u = await prisma.user.create({ data: { email, name: s.key, role: s.role, passwordHash } });
    out[s.key] = { id: u.id, email, password, role: s.role };
  }
  return out;
}

/** Response bodies are checked field by field in the tests, so they are loosely typed here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP client holding one session cookie and its CSRF token, like a browser tab. */
export class Client {
  cookie: string | undefined;
  csrf: string | undefined;
  constructor(readonly base: string) {}

  async request<T = Json>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h['cookie'] = this.cookie;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = /Max-Age=0/.test(setCookie) ? undefined : setCookie.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  get<T = Json>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = Json>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  put<T = Json>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body ?? {}, headers);
  }

  async signIn(email: string, password: string): Promise<Reply> {
    const r = await this.post('/api/auth/sign-in', { email, password });
    if (r.status === 200) this.csrf = (r.body as { csrfToken: string }).csrfToken;
    return r;
  }
}

export async function signedIn(base: string, user: TestUser): Promise<Client> {
  const c = new Client(base);
  const r = await c.signIn(user.email, user.password);
  if (r.status !== 200) throw new Error(`sign-in of ${user.email} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return c;
}

const createdCourses = new Set<string>();

/** A course of this test file with one exercise (the demo dense exercise's texts) and the given policy. */
export async function createCourse(
  prisma: EpochPrismaClient,
  policy: Record<string, unknown> = {},
): Promise<{ courseId: string; courseSlug: string; exerciseId: string; exercise: string; solution: string; enrollmentCode: string }> {
  const t = tag();
  const demo = await prisma.exercise.findFirstOrThrow({ where: { slug: 'cifar10-dense', course: { slug: 'cifar10-intro' } } });
  const course = await prisma.course.create({
    data: { slug: `course-${t}`, title: `Course ${t}`, description: '', enrollmentCode: `CODE-${t.toUpperCase()}` },
  });
  createdCourses.add(course.id);
  const exercise = await prisma.exercise.create({
    data: {
      courseId: course.id,
      slug: `exercise-${t}`,
      title: 'Dense',
      position: 1,
      instructions: demo.instructions,
      starterCode: demo.starterCode,
      solutionCode: demo.solutionCode,
    },
  });
  await prisma.gradingPolicy.create({
    data: {
      exerciseId: exercise.id,
      minTestAccuracy: 0.3,
      maxEpochs: 10,
      requiredEpochs: 10,
      batchSize: 64,
      seed: 42,
      maxParams: 20_000_000,
      timeLimitSeconds: 600,
      dailyQuota: null,
      ...policy,
    },
  });
  return {
    courseId: course.id,
    courseSlug: course.slug,
    exerciseId: exercise.id,
    exercise: exercise.slug,
    solution: demo.solutionCode,
    enrollmentCode: course.enrollmentCode,
  };
}

export async function enroll(prisma: EpochPrismaClient, userId: string, courseId: string, role: 'STUDENT' | 'INSTRUCTOR' = 'STUDENT'): Promise<void> {
  await prisma.enrollment.create({ data: { userId, courseId, role, joinedVia: 'STAFF' } });
}
