import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { badRequest } from './api-error';

/** Field paths as clients address them: `rows.3.email`, or `(root)` for the body itself. */
export function issuesToDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.length ? i.path.map(String).join('.') : '(root)', message: i.message }));
}

/** Validates a body or query against a zod schema; a mismatch is a 400 naming every bad field. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly what: 'body' | 'query' = 'body',
  ) {}
  transform(value: unknown): z.infer<T> {
    const r = this.schema.safeParse(value ?? (this.what === 'query' ? {} : undefined));
    if (r.success) return r.data;
    throw badRequest(`invalid ${this.what}`, issuesToDetails(r.error), 'validation_failed');
  }
}
