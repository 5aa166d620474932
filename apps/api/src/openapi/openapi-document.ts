import { z } from 'zod';
import { ERROR_SCHEMA, ROUTES, type TRouteDoc } from './routes';

type TJson = Record<string, unknown>;

const schema = (s: z.ZodType, io: 'input' | 'output'): TJson => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as TJson;
  return rest;
};

const ERRORS: Record<string, string> = {
  '400': 'Invalid request (details name each bad field)',
  '401': 'Not signed in',
  '403': 'Not allowed (or CSRF token missing)',
  '404': 'Not found, or not yours',
  '409': 'Conflict',
  '413': 'Body or source too large',
  '429': 'Rate limited or quota exhausted',
};

function errorsFor(r: TRouteDoc): string[] {
  const codes = new Set<string>();
  if (r.access !== 'public') codes.add('401').add('403');
  if (r.body || r.rawBody || r.query || r.headers?.length) codes.add('400');
  if (r.path.includes(':')) codes.add('404');
  if (r.method !== 'get') codes.add('413');
  return [...codes].sort();
}

function successContent(r: TRouteDoc): TJson | undefined {
  const res = r.response;
  if (!res || res === 'none') return undefined;
  if (res === 'binary') return { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'application/json': {} };
  if (typeof res === 'string') return { [res]: { schema: { type: 'string' } } };
  return { 'application/json': { schema: schema(res, 'output') } };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the API validates with. */
export function openApiDocument(): TJson {
  const paths: Record<string, Record<string, TJson>> = {};
  for (const r of ROUTES) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [
      ...[...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: schema(s as z.ZodType, 'input') })),
      ...(r.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
    ];
    const status = String(r.status ?? 200);
    const content = successContent(r);
    const op: TJson = {
      tags: [r.tag],
      summary: r.summary,
      description: `Access: ${r.access}.${r.method !== 'get' && r.access !== 'public' ? ' Send the X-CSRF-Token header (from GET /api/me).' : ''}`,
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } } } : {}),
      ...(r.rawBody ? { requestBody: { required: true, content: { [r.rawBody]: { schema: { type: 'string', format: 'binary' } } } } } : {}),
      responses: {
        [status]: { description: 'Success', ...(content ? { content } : {}) },
        ...Object.fromEntries(errorsFor(r).map((c) => [c, { $ref: `#/components/responses/E${c}` }])),
      },
      ...(r.access === 'public' ? { security: [] } : {}),
    };
    (paths[path] ??= {})[r.method] = op;
  }
  const errorSchema = schema(ERROR_SCHEMA, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Epoch API',
      version: '0.1.0',
      description:
        'Courses, submissions, live progress, results and administration of Epoch. Errors: `{ error: { code, message, details?: [{ path, message }] } }`.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'epoch_session' } },
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([c, d]) => [`E${c}`, { description: d, content: { 'application/json': { schema: errorSchema } } }]),
      ),
    },
  };
}
