/**
 * The web pages' security headers. A Content-Security-Policy with a fresh nonce per page (Next.js reads it from the
 * request's policy and puts it on its own scripts and styles; 'strict-dynamic' lets those load the rest), framing
 * only by the configured origins (LTI platforms show Epoch in an iframe; default: no one), forms posted only to the
 * site itself and those origins (the LTI picker posts its Deep Linking response to the LMS), no MIME sniffing, and no
 * full URL in the Referer sent to other sites. `dev` adds the 'unsafe-eval' React's development build needs.
 */
export function pageSecurityHeaders(nonce: string, frameAncestors: readonly string[], dev = false): Record<string, string> {
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // style="" attributes (React's style prop: progress bars, chart sizes) cannot carry a nonce; they run no code.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${frameAncestors.map((o) => ` ${o}`).join('')}`,
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    // X-Frame-Options cannot name several origins: only sent when no one may frame (old browsers ignore frame-ancestors).
    ...(frameAncestors.length === 0 ? { 'x-frame-options': 'DENY' } : {}),
  };
}

/** A fresh, unguessable nonce (128 random bits, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
