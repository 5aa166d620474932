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
