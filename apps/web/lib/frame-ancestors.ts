/** How long the registered platforms' origins are remembered (a new registration frames Epoch within this). */
export const FRAME_ANCESTORS_TTL_MS = 60_000;

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * The origins allowed to frame Epoch (CSP frame-ancestors), as the API says (/api/lti/frame-ancestors: the LMS
 * platforms registered for LTI and the API's EPOCH_FRAME_ANCESTORS), fetched at most every FRAME_ANCESTORS_TTL_MS. When
 * the API does not answer, the last known list (or none) is used: pages never wait on it for long.
 */
export function frameAncestorsSource(apiUrl: string, fetchImpl: typeof fetch = fetch, now: () => number = Date.now) {
  let cached: { origins: string[]; until: number } | null = null;
  let inFlight: Promise<string[]> | null = null;
  const load = async (): Promise<string[]> => {
    try {
      const res = await fetchImpl(new URL('/api/lti/frame-ancestors', apiUrl), { signal: AbortSignal.timeout(1500), cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { origins?: unknown };
      const origins = Array.isArray(body.origins) ? body.origins.filter((o): o is string => typeof o === 'string' && ORIGIN.test(o)) : [];
      cached = { origins, until: now() + FRAME_ANCESTORS_TTL_MS };
    } catch {
      cached = { origins: cached?.origins ?? [], until: now() + 5000 };
    }
    return cached.origins;
  };
  return async (): Promise<string[]> => {
    if (cached && cached.until > now()) return cached.origins;
    inFlight ??= load().finally(() => (inFlight = null));
    return inFlight;
  };
}
