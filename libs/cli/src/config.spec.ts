import { describe, expect, it } from 'vitest';
import { ConfigError, loadCliEnv } from './config';

describe('CLI configuration', () => {
  it('uses project ports by default', () => {
    const env = loadCliEnv({});
    expect(env.EPOCH_PG_PORT).toBe(54329);
    expect(env.EPOCH_REDIS_PORT).toBe(63799);
    expect(env.DATABASE_URL).toBeUndefined();
  });
  it('explains every bad variable by name', () => {
    try {
      loadCliEnv({ DATABASE_URL: 'mysql://localhost/x', EPOCH_PG_PORT: 'eighty' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/DATABASE_URL/);
      expect((e as Error).message).toMatch(/EPOCH_PG_PORT/);
    }
  });
});
