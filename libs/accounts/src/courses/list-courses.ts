import type { TCourseAdminList } from '@epoch/contracts';
import { coursesWithExerciseCounts, enrollmentCounts } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';
import { courseView } from './course-view';

/** Every course (by title) with its enrollment code and how many students, instructors and exercises it has. */
export async function listCourses(db: TDb): Promise<TCourseAdminList> {
  const [courses, counts] = await Promise.all([coursesWithExerciseCounts(db), enrollmentCounts(db)]);
  const count = (courseId: string, role: 'STUDENT' | 'INSTRUCTOR') => counts.find((c) => c.courseId === courseId && c.role === role)?.count ?? 0;
  return {
    items: courses.map((c) => ({
      ...courseView(c),
      createdAt: c.createdAt.toISOString(),
      students: count(c.id, 'STUDENT'),
      instructors: count(c.id, 'INSTRUCTOR'),
      exercises: c._count.exercises,
    })),
  };
}
