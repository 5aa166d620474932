import { loadWebConfig } from '../../../lib/config';
import { proxyRequestHeaders, proxyResponseHeaders, upstreamUrl } from '../../../lib/api-proxy';

export const dynamic = 'force-dynamic';

type TContext = { params: Promise<{ path: string[] }> };

/** Forwards any /api/* request to the API, streaming both bodies (so SSE passes through as it arrives). */
async function proxy(req: Request, { params }: TContext): Promise<Response> {
  const { path } = await params;
  const url = upstreamUrl(loadWebConfig().EPOCH_API_URL, path, new URL(req.url).search);
  if (!url) return Response.json({ error: 'bad_path', message: 'path segments "." and ".." are not allowed' }, { status: 400 });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method: req.method,
      headers: proxyRequestHeaders(req.headers),
      body: hasBody ? await req.arrayBuffer() : undefined,
      redirect: 'manual',
      cache: 'no-store',
      signal: req.signal,
    });
  } catch (e) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    return Response.json({ error: 'api_unreachable', message: `the API is not reachable: ${e instanceof Error ? e.message : String(e)}` }, { status: 502 });
  }
  return new Response(upstream.body, { status: upstream.status, headers: proxyResponseHeaders(upstream.headers) });
}

export { proxy as GET, proxy as POST, proxy as PUT, proxy as PATCH, proxy as DELETE };
