import { describe, expect, it } from 'vitest';
import { loadGraderConfig } from './config';

const ok = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/epoch', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('grader config', () => {
  it('accepts the required URLs and fills defaults', () => {
    const c = loadGraderConfig(ok);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.EPOCH_WORKER_ID).toMatch(/-\d+$/);
  });
  it('names each bad variable', () => {
    expect(() => loadGraderConfig({ ...ok, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadGraderConfig({ REDIS_URL: ok.REDIS_URL })).toThrow(/DATABASE_URL/);
    expect(() => loadGraderConfig({ ...ok, EPOCH_TRAINING_BACKEND: 'tpu' })).toThrow(/EPOCH_TRAINING_BACKEND/);
  });
});
