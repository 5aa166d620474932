import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../app.module';
import { loadApiConfig } from '../config';
import { openApiDocument } from './openapi-document';
import { ROUTES } from './routes';

/** Every route the controllers declare, as `METHOD /path` (read from Nest's decorator metadata). */
function controllerRoutes(): string[] {
  const config = loadApiConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/x', REDIS_URL: 'redis://127.0.0.1:6379' });
  const out: string[] = [];
  for (const ctrl of AppModule.forConfig(config).controllers ?? []) {
    const base = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
    const proto = (ctrl as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (method === undefined || path === undefined) continue;
      const full = `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
      out.push(`${RequestMethod[method]} ${full}`);
    }
  }
  return out.sort();
}

describe('the OpenAPI document', () => {
  it('documents exactly the routes the controllers declare', () => {
    expect(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual(controllerRoutes());
  });

  it('is OpenAPI 3.1 with request and response schemas from the zod contracts', () => {
    const doc = openApiDocument() as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
            responses: Record<string, unknown>;
            parameters?: { name: string; in: string }[];
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const post = doc.paths['/api/submissions']?.['post'];
    expect(Object.keys(post?.requestBody?.content['application/json']?.schema.properties ?? {}).sort()).toEqual(['course', 'exercise', 'kind', 'source']);
    expect(post?.responses).toHaveProperty('201');
    expect(post?.responses).toHaveProperty('401');
    expect(post?.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    const policy = doc.paths['/api/courses/{course}/exercises/{slug}/policy']?.['put']?.requestBody?.content['application/json']?.schema;
    expect(policy?.required).toEqual(['minTestAccuracy']);
    expect(doc.paths['/api/submissions']?.['get']?.parameters?.map((p) => p.name)).toEqual(['course', 'exercise', 'page', 'pageSize']);
  });
});
