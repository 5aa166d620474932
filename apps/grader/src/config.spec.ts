import { describe, expect, it } from 'vitest';
import { loadGraderConfig } from './config';

const ok = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/epoch', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('grader config', () => {
  it('accepts the required URLs and fills defaults', () => {
    const c = loadGraderConfig(ok);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.EPOCH_WORKER_ID).toMatch(/-\d+$/);
    expect(c.EPOCH_GRADER_METRICS_PORT).toBeUndefined();
  });
  it('accepts a data folder and rejects an empty one by name', () => {
    expect(loadGraderConfig({ ...ok, EPOCH_DATA_DIR: '/data' }).EPOCH_DATA_DIR).toBe('/data');
    expect(() => loadGraderConfig({ ...ok, EPOCH_DATA_DIR: '' })).toThrow(/EPOCH_DATA_DIR/);
  });
  it('reads the metrics port as a number and rejects a bad one by name', () => {
    expect(loadGraderConfig({ ...ok, EPOCH_GRADER_METRICS_PORT: '9464' }).EPOCH_GRADER_METRICS_PORT).toBe(9464);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_METRICS_PORT: '70000' })).toThrow(/EPOCH_GRADER_METRICS_PORT/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_METRICS_PORT: 'nine' })).toThrow(/EPOCH_GRADER_METRICS_PORT/);
  });
  it('reads the queue and fault-handling settings with their defaults', () => {
    const c = loadGraderConfig(ok);
    expect(c.EPOCH_QUEUE_PREFIX).toBe('bull');
    expect(c.EPOCH_GRADER_CONCURRENCY).toBe(1);
    expect([c.EPOCH_GRADER_LOCK_MS, c.EPOCH_GRADER_STALLED_MS, c.EPOCH_GRADER_RECONCILE_MS]).toEqual([30_000, 30_000, 60_000]);
    const t = loadGraderConfig({
      ...ok,
      EPOCH_QUEUE_PREFIX: 'run-1',
      EPOCH_GRADER_LOCK_MS: '4000',
      EPOCH_GRADER_RECONCILE_MS: '0',
      EPOCH_CIFAR10: '/data/cifar',
    });
    expect([t.EPOCH_QUEUE_PREFIX, t.EPOCH_GRADER_LOCK_MS, t.EPOCH_GRADER_RECONCILE_MS, t.EPOCH_CIFAR10]).toEqual(['run-1', 4000, 0, '/data/cifar']);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_LOCK_MS: '10' })).toThrow(/EPOCH_GRADER_LOCK_MS/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_CONCURRENCY: '0' })).toThrow(/EPOCH_GRADER_CONCURRENCY/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_QUEUE_PREFIX: '' })).toThrow(/EPOCH_QUEUE_PREFIX/);
  });
  it('limits a training run to 4 GiB of memory unless told otherwise, and sets no address-space limit by default', () => {
    const c = loadGraderConfig(ok);
    expect([c.EPOCH_GRADER_MEMORY_MB, c.EPOCH_GRADER_ADDRESS_SPACE_MB]).toEqual([4096, undefined]);
    const t = loadGraderConfig({ ...ok, EPOCH_GRADER_MEMORY_MB: '1024', EPOCH_GRADER_ADDRESS_SPACE_MB: '65536' });
    expect([t.EPOCH_GRADER_MEMORY_MB, t.EPOCH_GRADER_ADDRESS_SPACE_MB]).toEqual([1024, 65536]);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_MEMORY_MB: '100' })).toThrow(/EPOCH_GRADER_MEMORY_MB/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_MEMORY_MB: 'lots' })).toThrow(/EPOCH_GRADER_MEMORY_MB/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_ADDRESS_SPACE_MB: '10' })).toThrow(/EPOCH_GRADER_ADDRESS_SPACE_MB/);
  });
  it('keeps a spare training child unless told not to', () => {
    expect(loadGraderConfig(ok).EPOCH_GRADER_SPARE_CHILD).toBe(true);
    expect(loadGraderConfig({ ...ok, EPOCH_GRADER_SPARE_CHILD: 'false' }).EPOCH_GRADER_SPARE_CHILD).toBe(false);
    expect(() => loadGraderConfig({ ...ok, EPOCH_GRADER_SPARE_CHILD: 'no' })).toThrow(/EPOCH_GRADER_SPARE_CHILD: true or false/);
  });
  it('names each bad variable', () => {
    expect(() => loadGraderConfig({ ...ok, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadGraderConfig({ REDIS_URL: ok.REDIS_URL })).toThrow(/DATABASE_URL/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_BACKEND: 'tpu' })).toThrow(/EPOCH_BACKEND/);
  });
});
