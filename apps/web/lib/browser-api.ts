/** Calls from client components: same origin (through the /api proxy), JSON in and out, errors as readable text. */
export class BrowserApiError extends Error {
  /** `summary`: the message without its first detail, for pages that list every detail themselves. */
  constructor(
    readonly status: number,
    message: string,
    readonly details: { path: string; message: string }[] = [],
    readonly summary = message,
  ) {
    super(message);
  }
}

/** Every `{ path, message }` the API listed for a failed request (e.g. each bad roster line). */
export function errorDetails(body: unknown): { path: string; message: string }[] {
  const err = body && typeof body === 'object' ? (body as { error?: { details?: unknown } }).error : undefined;
  const d = err && typeof err === 'object' ? err.details : undefined;
  return Array.isArray(d)
    ? d.flatMap((x) =>
        x && typeof x === 'object' && typeof (x as { message?: unknown }).message === 'string'
          ? [{ path: String((x as { path?: unknown }).path ?? ''), message: (x as { message: string }).message }]
          : [],
      )
    : [];
}

/** The message to show for a failed response: the API's `{ error: { message, details } }` (first detail included) when sent. */
export function errorMessage(status: number, body: unknown): string {
  const err = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; details?: unknown };
    const d =
      Array.isArray(e.details) && e.details[0] && typeof e.details[0] === 'object' ? (e.details[0] as { path?: unknown; message?: unknown }) : undefined;
    if (typeof e.message === 'string') {
      return d && typeof d.message === 'string' ? `${e.message} (${String(d.path ?? '')}: ${d.message})` : e.message;
    }
  }
  if (status === 429) return 'Too many attempts; wait a minute and try again.';
  if (status >= 500) return `The server failed (HTTP ${status}); try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

export function postJson<T>(path: string, body: unknown, opts: { csrfToken?: string; headers?: Record<string, string> } = {}): Promise<T> {
  return sendJson<T>('POST', path, body, opts);
}

/**
 * Any call from a client component: `body` is sent as JSON, or as it is when it is a Blob (an uploaded file, with its
 * own type). The answer is parsed JSON (null for an empty one); a failure throws BrowserApiError with the API's words.
 */
export async function sendJson<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { csrfToken?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const isBlob = typeof Blob !== 'undefined' && body instanceof Blob;
  const res = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': isBlob ? body.type || 'application/octet-stream' : 'application/json' }),
      ...(opts.csrfToken ? { 'x-csrf-token': opts.csrfToken } : {}),
      ...opts.headers,
    },
    ...(body === undefined ? {} : { body: isBlob ? body : JSON.stringify(body) }),
    credentials: 'same-origin',
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const apiMessage = (parsed as { error?: { message?: unknown } } | null)?.error?.message;
    throw new BrowserApiError(
      res.status,
      errorMessage(res.status, parsed),
      errorDetails(parsed),
      typeof apiMessage === 'string' ? apiMessage : errorMessage(res.status, parsed),
    );
  }
  return parsed as T;
}
