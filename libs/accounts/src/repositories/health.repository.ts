import type { TDb } from '@epoch/db';

/** The cheapest round trip to Postgres (health checks). */
export async function selectOne(db: TDb): Promise<void> {
  await db.$queryRaw`select 1`;
}
