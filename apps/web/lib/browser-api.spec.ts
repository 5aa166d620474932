import { describe, expect, it } from 'vitest';
import { errorDetails, errorMessage } from './browser-api';

describe('errorMessage', () => {
  it("uses the API's message and its first field issue", () => {
    expect(errorMessage(400, { error: { code: 'invalid_request', message: 'invalid body', details: [{ path: 'email', message: 'not an email' }] } })).toBe(
      'invalid body (email: not an email)',
    );
    expect(errorMessage(401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } })).toBe('wrong email or password');
  });
  it('falls back to words for a body without a message', () => {
    expect(errorMessage(429, null)).toMatch(/Too many attempts/);
    expect(errorMessage(502, 'oops')).toMatch(/server failed \(HTTP 502\)/);
    expect(errorMessage(404, { message: 'not the API format' })).toBe('The request failed (HTTP 404).');
  });
});

describe('errorDetails', () => {
  it('lists every detail with its path, ignoring malformed ones', () => {
    const body = {
      error: {
        code: 'invalid_roster',
        message: 'the roster has errors',
        details: [{ path: 'line 2: email', message: 'not an email' }, { path: 'line 3: role', message: 'unknown role' }, 7],
      },
    };
    expect(errorDetails(body)).toEqual([
      { path: 'line 2: email', message: 'not an email' },
      { path: 'line 3: role', message: 'unknown role' },
    ]);
    expect(errorDetails({ error: { message: 'x' } })).toEqual([]);
    expect(errorDetails(null)).toEqual([]);
  });
});
