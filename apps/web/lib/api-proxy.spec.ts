import { describe, expect, it } from 'vitest';
import { proxyRequestHeaders, proxyResponseHeaders, upstreamUrl } from './api-proxy';

describe('api proxy headers', () => {
  it('forwards cookies, CSRF and idempotency headers but drops hop-by-hop and host headers', () => {
    const h = proxyRequestHeaders(
      new Headers({
        cookie: 'epoch_session=abc',
        'x-csrf-token': 't0k',
        'idempotency-key': 'key-12345',
        'content-type': 'application/json',
        host: 'web.example',
        connection: 'keep-alive',
        'content-length': '12',
      }),
    );
    expect(h.get('cookie')).toBe('epoch_session=abc');
    expect(h.get('x-csrf-token')).toBe('t0k');
    expect(h.get('idempotency-key')).toBe('key-12345');
    expect(h.get('content-type')).toBe('application/json');
    expect(h.get('host')).toBeNull();
    expect(h.get('connection')).toBeNull();
    expect(h.get('content-length')).toBeNull();
  });

  it('forwards one client address in X-Forwarded-For, replacing any chain, so the API can tell browsers apart', () => {
    expect(proxyRequestHeaders(new Headers({ 'x-forwarded-for': '203.0.113.7' })).get('x-forwarded-for')).toBe('203.0.113.7');
    // Never the entries a client could have written first; never anything that is not an address.
    expect(proxyRequestHeaders(new Headers({ 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).get('x-forwarded-for')).toBe('203.0.113.7');
    expect(proxyRequestHeaders(new Headers({ 'x-forwarded-for': 'not-an-address' })).get('x-forwarded-for')).toBeNull();
    expect(proxyRequestHeaders(new Headers({})).get('x-forwarded-for')).toBeNull();
  });

  it("keeps the API's security headers on its answers", () => {
    const up = new Headers({
      'content-security-policy': "default-src 'self'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-resource-policy': 'same-origin',
    });
    const h = proxyResponseHeaders(up);
    for (const [k, v] of up) expect(h.get(k), k).toBe(v);
  });

  it('keeps every Set-Cookie of the response separate', () => {
    const up = new Headers({ 'content-type': 'text/event-stream', server: 'x' });
    up.append('set-cookie', 'a=1; Path=/; HttpOnly');
    up.append('set-cookie', 'b=2; Path=/');
    const h = proxyResponseHeaders(up);
    expect(h.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/']);
    expect(h.get('content-type')).toBe('text/event-stream');
    expect(h.get('server')).toBeNull();
  });

  it('builds the API address under /api with the query, encoding each segment', () => {
    expect(upstreamUrl('http://127.0.0.1:3001', ['submissions', 'abc', 'artifacts', 'a b.png'], '?x=1')?.href).toBe(
      'http://127.0.0.1:3001/api/submissions/abc/artifacts/a%20b.png?x=1',
    );
  });

  it('refuses dot segments that would reach outside /api', () => {
    expect(upstreamUrl('http://127.0.0.1:3001', ['..', 'metrics'], '')).toBeNull();
    expect(upstreamUrl('http://127.0.0.1:3001', ['me', '.'], '')).toBeNull();
  });
});
