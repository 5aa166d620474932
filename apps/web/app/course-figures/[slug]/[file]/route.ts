import { loadWebConfig } from '../../../../lib/config';

/** Lesson figures, fetched from the API so the browser only ever talks to the web origin. */
export async function GET(_req: Request, { params }: { params: Promise<{ slug: string; file: string }> }): Promise<Response> {
  const { slug, file } = await params;
  const { EPOCH_API_URL } = loadWebConfig();
  const res = await fetch(new URL(`/api/courses/${encodeURIComponent(slug)}/figures/${encodeURIComponent(file)}`, EPOCH_API_URL), { cache: 'no-store' });
  if (!res.ok) return new Response('Not found', { status: 404 });
  return new Response(res.body, {
    status: 200,
    headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'cache-control': 'public, max-age=3600' },
  });
}
