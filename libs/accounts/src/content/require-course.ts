import { NotFoundError } from '@epoch/contracts';
import { courseExists } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';

/** Succeeds when the course exists; NotFoundError otherwise. */
export async function requireCourse(db: TDb, slug: string): Promise<void> {
  if (!(await courseExists(db, slug))) throw new NotFoundError(`no course "${slug}"`);
}
