import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from './config';

const ok = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/epoch', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('api config', () => {
  it('accepts the required URLs and fills defaults', () => {
    const c = loadApiConfig(ok);
    expect(c.EPOCH_API_PORT).toBe(3001);
    expect(c.EPOCH_API_HOST).toBe('127.0.0.1');
  });
  it('names each bad variable in one message', () => {
    expect(() => loadApiConfig({ ...ok, EPOCH_API_PORT: '99999' })).toThrow(/EPOCH_API_PORT/);
    expect(() => loadApiConfig({ REDIS_URL: ok.REDIS_URL })).toThrow(/DATABASE_URL/);
    expect(() => loadApiConfig({ ...ok, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL/);
  });
});

describe('trusted proxies', () => {
  it('defaults to loopback and parses hop counts, lists and false', () => {
    expect(loadApiConfig(ok).EPOCH_TRUST_PROXY).toEqual(['loopback']);
    expect(loadApiConfig({ ...ok, EPOCH_TRUST_PROXY: '1' }).EPOCH_TRUST_PROXY).toBe(1);
    expect(loadApiConfig({ ...ok, EPOCH_TRUST_PROXY: 'false' }).EPOCH_TRUST_PROXY).toBe(false);
    expect(loadApiConfig({ ...ok, EPOCH_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).EPOCH_TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
  });
  it('names the entry it does not understand', () => {
    expect(() => loadApiConfig({ ...ok, EPOCH_TRUST_PROXY: 'loopback,everyone' })).toThrow(/EPOCH_TRUST_PROXY[\s\S]*"everyone"/);
  });
});

describe('content folder default', () => {
  it("is the repository's exercises/ folder, not a source folder of the same name", () => {
    const c = loadApiConfig(ok);
    expect(c.EPOCH_CONTENT_DIR).toMatch(/[\\/]exercises$/);
    expect(existsSync(join(c.EPOCH_CONTENT_DIR, '..', 'nx.json'))).toBe(true);
    expect(existsSync(join(c.EPOCH_CONTENT_DIR, 'cifar10-intro', 'course.yaml'))).toBe(true);
  });
});
