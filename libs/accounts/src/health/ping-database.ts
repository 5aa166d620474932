import type { TDb } from '@epoch/db';
import { selectOne } from '../repositories/health.repository';

/** Resolves when Postgres answers a query; rejects with the driver's error otherwise (health checks). */
export function pingDatabase(db: TDb): Promise<void> {
  return selectOne(db);
}
