/**
 * The same-origin proxy's header rules: the browser talks only to the web origin, so the API's httpOnly session
 * cookie is first-party and no CORS is needed. Only the headers the API understands travel, in either direction.
 * X-Forwarded-For travels so the API sees each browser's address (its sign-in rate limit is per address), not the
 * proxy's; Next.js sets it from the socket when the client did not send one. Behind an ingress, the ingress must
 * overwrite it (see docs/OPERATIONS.md), since a browser talking to Next.js directly could send its own.
 */
const REQUEST_HEADERS = [
  'accept',
  'content-type',
  'cookie',
  'x-csrf-token',
  'idempotency-key',
  'last-event-id',
  'if-none-match',
  'user-agent',
  'x-forwarded-for',
] as const;
const RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'etag',
  'retry-after',
  'idempotent-replayed',
  'content-disposition',
  'location',
  'x-accel-buffering',
] as const;

export function proxyRequestHeaders(incoming: Headers): Headers {
  const out = new Headers();
  for (const name of REQUEST_HEADERS) {
    const v = incoming.get(name);
    if (v !== null) out.set(name, v);
  }
  return out;
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
