import { describe, expect, it } from 'vitest';
import { loadWebConfig } from './config';

describe('web config', () => {
  it('defaults the API URL to the local API', () => {
    expect(loadWebConfig({}).EPOCH_API_URL).toBe('http://127.0.0.1:3001');
  });
  it('names the variable when it is not a URL', () => {
    expect(() => loadWebConfig({ EPOCH_API_URL: 'not a url' })).toThrow(/EPOCH_API_URL/);
  });
});

describe('web config: proxies', () => {
  it('trusts no proxy by default', () => {
    const c = loadWebConfig({});
    expect(c.EPOCH_WEB_TRUST_PROXY).toBe(false);
    expect(c.EPOCH_WEB_PORT).toBe(3000);
  });
  it('reads a hop count, and names a bad value', () => {
    expect(loadWebConfig({ EPOCH_WEB_TRUST_PROXY: '1' }).EPOCH_WEB_TRUST_PROXY).toBe(1);
    expect(() => loadWebConfig({ EPOCH_WEB_TRUST_PROXY: 'everyone' })).toThrow(/EPOCH_WEB_TRUST_PROXY[\s\S]*"everyone"/);
  });
});
