import type { TCourseList } from '@epoch/contracts';
import { publicCourses } from '../repositories/content.repository';
import type { TDb } from '@epoch/db';

/** Every course's slug, title and description, by title (public: the lesson is readable without an account). */
export async function listPublicCourses(db: TDb): Promise<TCourseList> {
  return { items: await publicCourses(db) };
}
