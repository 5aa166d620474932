import { NextResponse, type NextRequest } from 'next/server';
import { loadWebConfig } from './lib/config';
import { newNonce, pageSecurityHeaders } from './lib/security-headers';
import { frameAncestorsSource } from './lib/frame-ancestors';

let frameAncestors: ReturnType<typeof frameAncestorsSource> | undefined;

/**
 * Next.js's proxy (the request hook before rendering): every page gets its own CSP nonce, given to the renderer in
 * the request's Content-Security-Policy (Next.js puts it on its scripts) and sent to the browser with the other
 * security headers. /api/* is the API's (the route handler passes the API's own security headers on).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const nonce = newNonce();
  // Who may frame Epoch is the API's to say (the registered LMS platforms and EPOCH_FRAME_ANCESTORS).
  frameAncestors ??= frameAncestorsSource(loadWebConfig().EPOCH_API_URL);
  const ancestors = await frameAncestors();
  const headers = pageSecurityHeaders(nonce, ancestors, process.env.NODE_ENV === 'development');
  const forwarded = new Headers(request.headers);
  forwarded.set('x-nonce', nonce);
  forwarded.set('content-security-policy', headers['content-security-policy']!);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!api/|_next/static/|_next/image).*)' }],
};
