import { describe, expect, it } from 'vitest';
import { newNonce, pageSecurityHeaders } from './security-headers';

const directives = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

describe('pageSecurityHeaders', () => {
  it("allows only the page's own and nonced scripts, and no framing by default", () => {
    const h = pageSecurityHeaders('bm9uY2U=', []);
    const csp = directives(h['content-security-policy']!);
    expect(csp['script-src']).toBe("'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(csp['style-src']).toBe("'self' 'nonce-bm9uY2U='");
    expect(csp['object-src']).toBe("'none'");
    expect(csp['frame-ancestors']).toBe("'none'");
    expect(csp['form-action']).toBe("'self'");
    expect(csp['default-src']).toBe("'self'");
    expect(h).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin', 'x-frame-options': 'DENY' });
  });

  it('lets the configured LTI platforms frame the pages (and then sends no X-Frame-Options)', () => {
    const h = pageSecurityHeaders('n', ['https://lms.example.edu', 'https://canvas.example.com']);
    expect(directives(h['content-security-policy']!)['frame-ancestors']).toBe('https://lms.example.edu https://canvas.example.com');
    expect(h['x-frame-options']).toBeUndefined();
  });

  it("lets forms post to the LTI platforms (the picker's Deep Linking response goes to the LMS), and to no other site", () => {
    const h = pageSecurityHeaders('n', ['https://lms.example.edu', 'https://canvas.example.com']);
    expect(directives(h['content-security-policy']!)['form-action']).toBe("'self' https://lms.example.edu https://canvas.example.com");
  });

  it("adds 'unsafe-eval' only for the development build", () => {
    expect(pageSecurityHeaders('n', [], true)['content-security-policy']).toContain("'unsafe-eval'");
    expect(pageSecurityHeaders('n', [], false)['content-security-policy']).not.toContain('unsafe-eval');
  });

  it('makes a new 128-bit nonce each time', () => {
    const a = newNonce();
    expect(Buffer.from(a, 'base64')).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
