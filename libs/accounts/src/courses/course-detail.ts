import type { TCourseAdminDetail } from '@epoch/contracts';
import { NotFoundError } from '@epoch/contracts';
import { courseWithEnrollments } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';
import { courseView, enrollmentView } from './course-view';

/** One course with everyone enrolled: instructors first, then students, each by email. */
export async function courseDetail(db: TDb, slug: string): Promise<TCourseAdminDetail> {
  const course = await courseWithEnrollments(db, slug);
  if (!course) throw new NotFoundError(`no course "${slug}"`);
  const enrollments = course.enrollments.map(enrollmentView);
  return {
    ...courseView(course),
    createdAt: course.createdAt.toISOString(),
    exercises: course._count.exercises,
    enrollments,
    students: enrollments.filter((e) => e.courseRole === 'STUDENT').length,
    instructors: enrollments.filter((e) => e.courseRole === 'INSTRUCTOR').length,
  };
}
