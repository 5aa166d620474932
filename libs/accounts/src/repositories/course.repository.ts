import type { Course, CourseRole, Enrollment, EnrollmentSource, User } from '@epoch/db';
import type { TDb } from '@epoch/db';

/** Courses and who is enrolled in them: the only module that reads or writes `courses` and `enrollments`. */

export type TCourseWithCounts = Course & { _count: { exercises: number } };
export type TEnrollmentWithUser = Enrollment & { user: User };

export function findCourseBySlug(db: TDb, slug: string): Promise<Course | null> {
  return db.course.findUnique({ where: { slug } });
}

export function findCourseByEnrollmentCode(db: TDb, enrollmentCode: string): Promise<Course | null> {
  return db.course.findUnique({ where: { enrollmentCode } });
}

export async function courseExists(db: TDb, slug: string): Promise<boolean> {
  return (await db.course.count({ where: { slug } })) > 0;
}

/** The courses with these slugs, by slug (unknown slugs are absent). */
export async function coursesBySlug(db: TDb, slugs: string[]): Promise<Map<string, Course>> {
  const rows = await db.course.findMany({ where: { slug: { in: slugs } } });
  return new Map(rows.map((c) => [c.slug, c]));
}

/** Every course (by title, then slug) with its number of exercises. */
export function coursesWithExerciseCounts(db: TDb): Promise<TCourseWithCounts[]> {
  return db.course.findMany({ orderBy: [{ title: 'asc' }, { slug: 'asc' }], include: { _count: { select: { exercises: true } } } });
}

/** How many people each course has in each role. */
export async function enrollmentCounts(db: TDb): Promise<{ courseId: string; role: CourseRole; count: number }[]> {
  const rows = await db.enrollment.groupBy({ by: ['courseId', 'role'], _count: { _all: true } });
  return rows.map((r) => ({ courseId: r.courseId, role: r.role, count: r._count._all }));
}

/** A course with its number of exercises and everyone enrolled: instructors first, then students, each by email. */
export function courseWithEnrollments(db: TDb, slug: string): Promise<(TCourseWithCounts & { enrollments: TEnrollmentWithUser[] }) | null> {
  return db.course.findUnique({
    where: { slug },
    include: { _count: { select: { exercises: true } }, enrollments: { include: { user: true }, orderBy: [{ role: 'desc' }, { user: { email: 'asc' } }] } },
  });
}

/** Creates a course; a taken slug or enrollment code throws Prisma's unique violation (see isUniqueViolation). */
export function insertCourse(db: TDb, course: { slug: string; title: string; description: string; enrollmentCode: string }): Promise<Course> {
  return db.course.create({ data: course });
}

export async function insertEnrollment(db: TDb, e: { userId: string; courseId: string; role: CourseRole; joinedVia: EnrollmentSource }): Promise<void> {
  await db.enrollment.create({ data: e });
}

/** Enrolls a user in a course; an existing enrollment gets `role` (`set-role`) or stays as it is (`keep`). */
export function upsertEnrollment(
  db: TDb,
  e: { userId: string; courseId: string; role: CourseRole; existing: 'set-role' | 'keep'; joinedVia: EnrollmentSource },
): Promise<TEnrollmentWithUser> {
  return db.enrollment.upsert({
    where: { userId_courseId: { userId: e.userId, courseId: e.courseId } },
    create: { userId: e.userId, courseId: e.courseId, role: e.role, joinedVia: e.joinedVia },
    update: e.existing === 'set-role' ? { role: e.role } : {},
    include: { user: true },
  });
}

/** The courses a user is enrolled in, in the order they joined. */
export async function enrollmentsOf(db: TDb, userId: string): Promise<{ slug: string; title: string; role: CourseRole }[]> {
  const rows = await db.enrollment.findMany({
    where: { userId },
    include: { course: { select: { slug: true, title: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((e) => ({ slug: e.course.slug, title: e.course.title, role: e.role }));
}

/** A user's enrollment in a course, or null. */
export function membershipOf(db: TDb, userId: string, courseId: string): Promise<Enrollment | null> {
  return db.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
}

/** Everyone in a course with their account, newest first. */
export function membersOf(db: TDb, courseId: string): Promise<TEnrollmentWithUser[]> {
  return db.enrollment.findMany({ where: { courseId }, include: { user: true }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
}

/** Removes an enrollment (submissions and results are the user's and stay); false when there was none. */
export async function deleteEnrollment(db: TDb, userId: string, courseId: string): Promise<boolean> {
  return (await db.enrollment.deleteMany({ where: { userId, courseId } })).count > 0;
}

export function updateEnrollmentSettings(
  db: TDb,
  courseId: string,
  data: { enrollmentCode?: string; enrollmentCodeEnabled?: boolean; enrollmentOpensAt?: Date | null; enrollmentClosesAt?: Date | null },
): Promise<Course> {
  return db.course.update({ where: { id: courseId }, data });
}

/** The courses a user is in, with their role and when they joined, in the order joined. */
export async function enrollmentsWithDates(db: TDb, userId: string): Promise<{ slug: string; title: string; role: CourseRole; joinedAt: string }[]> {
  const rows = await db.enrollment.findMany({ where: { userId }, include: { course: { select: { slug: true, title: true } } }, orderBy: { createdAt: 'asc' } });
  return rows.map((e) => ({ slug: e.course.slug, title: e.course.title, role: e.role, joinedAt: e.createdAt.toISOString() }));
}
