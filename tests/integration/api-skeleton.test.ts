import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemo } from '@epoch/cli';
import { createPrismaClient } from '@epoch/db';
import { join } from 'node:path';
import { freePort, root, startTs, waitFor, type RunningProcess } from './helpers';

describe('API walking skeleton (real process, Postgres, Redis)', () => {
  let api: RunningProcess;
  let base: string;

  beforeAll(async () => {
    const prisma = createPrismaClient(inject('databaseUrl'));
    await seedDemo(prisma, { exercisesDir: join(root, 'exercises') });
    await prisma.$disconnect();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = startTs('apps/api/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: inject('redisPrefix'),
      EPOCH_RECONCILE_SECONDS: '0',
      EPOCH_API_PORT: String(port),
      EPOCH_DEMO: '1',
      LOG_LEVEL: 'warn',
    });
    await waitFor(async () => (await fetch(`${base}/api/health`)).status === 200 || undefined, 60_000, `the API on ${base}\n${api.output()}`);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('reports Postgres and Redis healthy', async () => {
    const res = await fetch(`${base}/api/health`);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ok');
    expect(body.checks['postgres']?.ok).toBe(true);
    expect(body.checks['redis']?.ok).toBe(true);
  });

  it('serves the seeded course outline and a lesson step from the database', async () => {
    const list = (await (await fetch(`${base}/api/courses`)).json()) as { items: { slug: string }[] };
    expect(list.items.map((c) => c.slug)).toContain('cifar10-intro');
    const course = (await (await fetch(`${base}/api/courses/cifar10-intro`)).json()) as {
      lessons: { slug: string; steps: { slug: string }[] }[];
      exercises: { slug: string }[];
    };
    expect(course.exercises.map((e) => e.slug)).toEqual(['cifar10-dense', 'cifar10-cnn', 'cifar10-model3']);
    const lesson = course.lessons[0]!;
    expect(lesson.steps.length).toBeGreaterThanOrEqual(10);
    const first = (await (await fetch(`${base}/api/courses/cifar10-intro/lessons/${lesson.slug}/steps/${lesson.steps[0]!.slug}`)).json()) as {
      body: string;
      prev: unknown;
      next: { slug: string };
    };
    expect(first.prev).toBeNull();
    expect(first.next.slug).toBe(lesson.steps[1]!.slug);
    expect(first.body.length).toBeGreaterThan(200);
  });

  it('serves lesson figures with their content type, and nothing outside the figures folder', async () => {
    const ok = await fetch(`${base}/api/courses/cifar10-intro/figures/simple-cnn.svg`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await ok.text()).toMatch(/<svg[\s>]/);
    for (const bad of ['..%2Fcourse.yaml', 'missing.svg', 'course.yaml']) {
      expect((await fetch(`${base}/api/courses/cifar10-intro/figures/${bad}`)).status).toBe(404);
    }
    expect((await fetch(`${base}/api/courses/no-such-course/figures/simple-cnn.svg`)).status).toBe(404);
  });

  it('answers 404 with the error format for an unknown course', async () => {
    const res = await fetch(`${base}/api/courses/no-such-course`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('reports 503 with the failing check when Redis is unreachable', async () => {
    const port = await freePort();
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const broken = startTs('apps/api/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: deadRedis,
      EPOCH_API_PORT: String(port),
      LOG_LEVEL: 'warn',
      // The test database holds the demo accounts: production mode would refuse to start on them.
      EPOCH_DEMO: '1',
    });
    try {
      const res = await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5000) });
          return r.status === 503 ? r : undefined;
        },
        40_000,
        `a 503 from the API without Redis\n${broken.output()}`,
      );
      const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      expect(body.status).toBe('degraded');
      expect(body.checks['redis']?.ok).toBe(false);
      expect(body.checks['postgres']?.ok).toBe(true);
      // Metrics still answer (without the queue gauge) instead of waiting for Redis forever.
      const t0 = performance.now();
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('epoch_api_requests_total');
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      await broken.stop();
    }
  });

  it('serves /metrics only on its internal port when EPOCH_API_METRICS_PORT is set (deployments leave that port unpublished)', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const api2 = startTs('apps/api/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: inject('redisPrefix'),
      EPOCH_RECONCILE_SECONDS: '0',
      EPOCH_API_PORT: String(port),
      EPOCH_API_METRICS_PORT: String(metricsPort),
      EPOCH_DEMO: '1',
      LOG_LEVEL: 'warn',
    });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200 || undefined, 60_000, `the API\n${api2.output()}`);
      // The public port has none.
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await scrape.text()).toContain('epoch_api_requests_total');
      // The internal port serves nothing else.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/api/health`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await api2.stop();
    }
    // It stops with the API.
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it('refuses to start with a clear message when configuration is invalid', async () => {
    const bad = startTs('apps/api/src/main.ts', { DATABASE_URL: 'not-a-url', REDIS_URL: inject('redisUrl') });
    const code = await new Promise<number | null>((r) => bad.child.once('exit', r));
    expect(code).toBe(1);
    expect(bad.output()).toMatch(/invalid configuration[\s\S]*DATABASE_URL/);
    expect(bad.output()).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
