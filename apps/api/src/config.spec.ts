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

describe('modes and mail', () => {
  it('runs in production mode unless EPOCH_DEMO says demo, and names a bad value', () => {
    expect(loadApiConfig(ok).EPOCH_DEMO).toBe(false);
    expect(loadApiConfig({ ...ok, EPOCH_DEMO: '1' }).EPOCH_DEMO).toBe(true);
    expect(() => loadApiConfig({ ...ok, EPOCH_DEMO: 'yes' })).toThrow(/EPOCH_DEMO: EPOCH_DEMO must be 1\/true or 0\/false/);
  });
  it('takes an SMTP URL only', () => {
    expect(loadApiConfig({ ...ok, EPOCH_SMTP_URL: 'smtp://mail.example.org:587' }).EPOCH_SMTP_URL).toBe('smtp://mail.example.org:587');
    expect(() => loadApiConfig({ ...ok, EPOCH_SMTP_URL: 'http://mail.example.org' })).toThrow(/EPOCH_SMTP_URL/);
  });
});

describe('OpenID Connect sign-in', () => {
  const oidc = { EPOCH_OIDC_ISSUER: 'https://login.uni.example/', EPOCH_OIDC_CLIENT_ID: 'epoch', EPOCH_OIDC_CLIENT_SECRET: 's3cret' };
  it('is off by default, with password sign-in on', () => {
    const c = loadApiConfig(ok);
    expect(c.EPOCH_OIDC_ISSUER).toBeUndefined();
    expect(c.EPOCH_PASSWORD_LOGIN).toBe(true);
  });
  it('takes the provider, claims and allowed domains', () => {
    const c = loadApiConfig({ ...ok, ...oidc, EPOCH_OIDC_ALLOWED_DOMAINS: ' Uni.example, cs.uni.example ,', EPOCH_PASSWORD_LOGIN: '0' });
    expect(c.EPOCH_OIDC_ALLOWED_DOMAINS).toEqual(['uni.example', 'cs.uni.example']);
    expect(c.EPOCH_OIDC_EMAIL_CLAIM).toBe('email');
    expect(c.EPOCH_OIDC_NAME).toBe('single sign-on');
    expect(c.EPOCH_PASSWORD_LOGIN).toBe(false);
  });
  it('names what is missing or contradictory', () => {
    expect(() => loadApiConfig({ ...ok, EPOCH_OIDC_ISSUER: oidc.EPOCH_OIDC_ISSUER })).toThrow(/EPOCH_OIDC_CLIENT_ID: EPOCH_OIDC_ISSUER is set/);
    expect(() => loadApiConfig({ ...ok, EPOCH_OIDC_CLIENT_ID: 'x' })).toThrow(/EPOCH_OIDC_ISSUER: an OIDC client is configured/);
    expect(() => loadApiConfig({ ...ok, EPOCH_PASSWORD_LOGIN: '0' })).toThrow(/EPOCH_PASSWORD_LOGIN: password sign-in cannot be turned off/);
    expect(() => loadApiConfig({ ...ok, ...oidc, EPOCH_OIDC_SCOPES: 'email profile' })).toThrow(/EPOCH_OIDC_SCOPES must include openid/);
    expect(() => loadApiConfig({ ...ok, ...oidc, EPOCH_OIDC_ISSUER: 'ftp://x' })).toThrow(/EPOCH_OIDC_ISSUER/);
  });
});

describe('framing origins', () => {
  it('lets no extra origin frame Epoch by default, reads a list, and names a bad entry', () => {
    expect(loadApiConfig(ok).EPOCH_FRAME_ANCESTORS).toEqual([]);
    expect(loadApiConfig({ ...ok, EPOCH_FRAME_ANCESTORS: 'https://lms.example.edu, https://canvas.example.com:8443' }).EPOCH_FRAME_ANCESTORS).toEqual([
      'https://lms.example.edu',
      'https://canvas.example.com:8443',
    ]);
    expect(() => loadApiConfig({ ...ok, EPOCH_FRAME_ANCESTORS: "https://ok.example 'unsafe-inline'" })).toThrow(/EPOCH_FRAME_ANCESTORS/);
  });
});
