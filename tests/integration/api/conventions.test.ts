import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKER_HEARTBEAT_PREFIX } from '@epoch/contracts';
import { Client, createUsers, signedIn, startApi, tag, type ApiUnderTest } from './api-harness';

describe('API conventions: errors, request ids and logs, security headers, metrics, readiness', () => {
  let api: ApiUnderTest;
  let redis: Redis;

  beforeAll(async () => {
    api = await startApi({ LOG_LEVEL: 'info' });
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    redis?.disconnect();
    await api?.stop();
  });

  it('answers unknown routes and methods in the one error format', async () => {
    const r = await new Client(api.base).get('/api/no-such-route');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('gives every request an id (echoing a safe incoming one) and logs one JSON line per request', async () => {
    const mine = `req-${tag()}`;
    const r = await fetch(`${api.base}/api/courses`, { headers: { 'x-request-id': mine } });
    expect(r.headers.get('x-request-id')).toBe(mine);
    const unsafe = await fetch(`${api.base}/api/courses`, { headers: { 'x-request-id': 'bad id with spaces and {braces}' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const line = api.process
      .output()
      .split('\n')
      .find((l) => l.includes(mine));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ reqId: mine, method: 'GET', route: '/api/courses', status: 200, ms: expect.any(Number) });
  });

  it('sends security headers and no X-Powered-By', async () => {
    const r = await fetch(`${api.base}/api/health`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('exposes Prometheus metrics: request counts and durations by route, and the queue depth', async () => {
    await fetch(`${api.base}/api/courses`);
    const text = await (await fetch(`${api.base}/metrics`)).text();
    expect(text).toMatch(/epoch_api_requests_total\{method="GET",route="\/api\/courses",status="200"\} \d+/);
    expect(text).toMatch(/epoch_api_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/api\/courses"\} \d+/);
    expect(text).toMatch(/epoch_grading_queue_jobs\{state="waiting"\} \d+/);
  });

  it('reports readiness with queue depth and live graders', async () => {
    const before = (await (await fetch(`${api.base}/api/health/ready`)).json()) as { status: string; workers: number; queue: Record<string, number> };
    expect(before).toMatchObject({ status: 'ok', queue: { waiting: expect.any(Number), active: expect.any(Number) } });
    const key = `${api.prefix}:${WORKER_HEARTBEAT_PREFIX}test-${tag()}`;
    await redis.set(key, JSON.stringify({ worker: 'w', backend: 'node-gpu', threads: 1, queues: ['gpu', 'general'], since: Date.now() }), 'EX', 30);
    try {
      const after = (await (await fetch(`${api.base}/api/health/ready`)).json()) as { workers: number; gpuWorkers: number };
      expect(after.workers).toBe(before.workers + 1);
      expect(after.gpuWorkers).toBe(1);
    } finally {
      await redis.del(key);
    }
  });

  it('refuses a body over the size limit with 413 in the error format', async () => {
    const [u] = Object.values(await createUsers(api.prisma, [{ key: 'big', role: 'STUDENT' }]));
    const c = await signedIn(api.base, u!);
    const r = await c.post('/api/enrollments', { enrollmentCode: 'x'.repeat(2 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: { code: 'payload_too_large', message: 'the request body is too large' } });
  });

  it('serves the OpenAPI document and the interactive page with its own assets', async () => {
    const doc = (await (await fetch(`${api.base}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/submissions/{id}/events');
    const page = await fetch(`${api.base}/api/docs`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const asset = await fetch(api.base + src);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type'), src).toMatch(/javascript|css/);
    }
  });
});
