import { z } from 'zod';

/** Query of every paginated list (`?page=1&pageSize=20`). */
export const ZPageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TPageQuery = z.infer<typeof ZPageQuery>;

/** A page of a list, with the total count so clients can render pagers. */
export function ZPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
}
export interface TPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
