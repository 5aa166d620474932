import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraderMetrics, startMetricsServer, type MetricsServer } from './metrics';

const open: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(registry: Parameters<typeof startMetricsServer>[1]): Promise<string> {
  const server = await startMetricsServer(0, registry, '127.0.0.1');
  open.push(server);
  return `http://127.0.0.1:${server.port}`;
}

describe('grader metrics', () => {
  it('exposes queue depth, job durations, failures and per-backend throughput in Prometheus format', async () => {
    const m = createGraderMetrics({ processMetrics: false, queueDepth: () => Promise.resolve({ wait: 7, active: 2 }) });
    m.jobDuration.observe({ outcome: 'passed', backend: 'wasm' }, 42);
    m.failures.inc({ kind: 'student' });
    m.failures.inc({ kind: 'infrastructure' }, 2);
    m.imagesPerSecond.set({ backend: 'wasm' }, 712.5);
    const res = await fetch(`${await serve(m.registry)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toContain('epoch_grader_queue_depth{state="wait"} 7');
    expect(body).toContain('epoch_grader_queue_depth{state="active"} 2');
    expect(body).toContain('epoch_grader_queue_depth{state="delayed"} 0');
    expect(body).toContain('epoch_grader_job_duration_seconds_bucket{le="60",outcome="passed",backend="wasm"} 1');
    expect(body).toContain('epoch_grader_job_duration_seconds_bucket{le="30",outcome="passed",backend="wasm"} 0');
    expect(body).toContain('epoch_grader_job_duration_seconds_sum{outcome="passed",backend="wasm"} 42');
    expect(body).toContain('epoch_grader_job_failures_total{kind="student"} 1');
    expect(body).toContain('epoch_grader_job_failures_total{kind="infrastructure"} 2');
    expect(body).toContain('epoch_grader_images_per_second{backend="wasm"} 712.5');
  });

  it('reads the queue depth afresh at every scrape', async () => {
    let waiting = 1;
    const m = createGraderMetrics({ processMetrics: false, queueDepth: () => Promise.resolve({ wait: waiting }) });
    const url = `${await serve(m.registry)}/metrics`;
    expect(await (await fetch(url)).text()).toContain('epoch_grader_queue_depth{state="wait"} 1');
    waiting = 300;
    expect(await (await fetch(url)).text()).toContain('epoch_grader_queue_depth{state="wait"} 300');
  });

  it('keeps serving the last queue depth when it cannot be read, and counts the failure', async () => {
    let fail = false;
    const m = createGraderMetrics({ processMetrics: false, queueDepth: () => (fail ? Promise.reject(new Error('redis down')) : Promise.resolve({ wait: 5 })) });
    const url = `${await serve(m.registry)}/metrics`;
    await fetch(url);
    fail = true;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('epoch_grader_queue_depth{state="wait"} 5');
    // Metrics are collected concurrently, so a failed read shows in the counter from the next scrape on.
    expect(await (await fetch(url)).text()).toMatch(/epoch_grader_queue_depth_errors_total [12]\n/);
  });

  it('answers promptly when the queue depth never comes (Redis down), and counts it', async () => {
    const m = createGraderMetrics({ processMetrics: false, queueDepthTimeoutMs: 50, queueDepth: () => new Promise(() => undefined) });
    const url = `${await serve(m.registry)}/metrics`;
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    expect(res.status).toBe(200);
    expect(await (await fetch(url, { signal: AbortSignal.timeout(2000) })).text()).toMatch(/epoch_grader_queue_depth_errors_total [12]\n/);
  });

  it('adds default labels and process metrics when asked', async () => {
    const m = createGraderMetrics({ defaultLabels: { worker: 'w-1' } });
    const body = await m.registry.metrics();
    expect(body).toMatch(/epoch_grader_process_resident_memory_bytes\{worker="w-1"\} \d+/);
  });

  it('answers /healthz, 404 for other paths and 405 for other methods', async () => {
    const base = await serve(createGraderMetrics({ processMetrics: false }).registry);
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 500 with the reason when collecting fails', async () => {
    const m = createGraderMetrics({ processMetrics: false });
    m.registry.registerMetric(
      new (await import('prom-client')).Gauge({
        name: 'broken',
        help: 'always fails',
        registers: [],
        collect() {
          throw new Error('sensor unplugged');
        },
      }),
    );
    const res = await fetch(`${await serve(m.registry)}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('sensor unplugged');
  });

  it('rejects a bad port and a port in use with a clear message', async () => {
    const registry = createGraderMetrics({ processMetrics: false }).registry;
    await expect(startMetricsServer(70_000, registry)).rejects.toThrow(/port must be an integer from 0 to 65535, got 70000/);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startMetricsServer(port, registry, '127.0.0.1')).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
