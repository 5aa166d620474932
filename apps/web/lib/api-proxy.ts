/**
 * The same-origin proxy's header rules: the browser talks only to the web origin, so the API's httpOnly session
 * cookie is first-party and no CORS is needed. Only the headers the API understands travel, in either direction.
 * X-Forwarded-For is REPLACED by one address, the browser's: the web server (server.ts) has already worked it out
 * from the socket and the trusted hops (EPOCH_WEB_TRUST_PROXY), so nothing a browser writes into the header reaches
 * the API, whose sign-in rate limit is per address. The API's security headers come back with its answers.
 */
const REQUEST_HEADERS = ['accept', 'content-type', 'cookie', 'x-csrf-token', 'idempotency-key', 'last-event-id', 'if-none-match', 'user-agent'] as const;
const RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'etag',
  'retry-after',
  'idempotent-replayed',
  'content-disposition',
  'location',
  'x-accel-buffering',
  // The API's security headers (helmet), kept on everything it answers.
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
] as const;

export function proxyRequestHeaders(incoming: Headers): Headers {
  const out = new Headers();
  for (const name of REQUEST_HEADERS) {
    const v = incoming.get(name);
    if (v !== null) out.set(name, v);
  }
  const client = clientOf(incoming.get('x-forwarded-for'));
  if (client) out.set('x-forwarded-for', client);
  return out;
}

/**
 * The one address to forward: the web server sets exactly one; should several arrive (a server started without
 * server.ts), the last is the only one a hop of ours saw, never the client's own first entries.
 */
function clientOf(header: string | null): string | null {
  const last = header?.split(',').at(-1)?.trim();
  return last && /^[0-9A-Fa-f.:]+$/.test(last) ? last : null;
}

export function proxyResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const v = upstream.get(name);
    if (v !== null) out.set(name, v);
  }
  // Several cookies may be set at once; each must stay its own header.
  for (const c of upstream.getSetCookie()) out.append('set-cookie', c);
  return out;
}

/** The API address for a proxied path: only `/api/...` (null for `.`/`..` segments, which could leave it), query kept. */
export function upstreamUrl(apiBase: string, segments: readonly string[], search: string): URL | null {
  if (segments.some((s) => s === '.' || s === '..' || s === '')) return null;
  const path = segments.map((s) => encodeURIComponent(s)).join('/');
  const url = new URL(`/api/${path}`, apiBase);
  url.search = search;
  return url;
}
