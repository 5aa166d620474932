import { randomBytes } from 'node:crypto';
import type { Course } from '@epoch/db';
import type { TCourseAdminView, TEnrollmentView } from '@epoch/contracts';
import type { TEnrollmentWithUser } from '../repositories/course.repository';

export const courseView = (c: Course): TCourseAdminView => ({
  id: c.id,
  slug: c.slug,
  title: c.title,
  description: c.description,
  enrollmentCode: c.enrollmentCode,
});

export const enrollmentView = (e: TEnrollmentWithUser): TEnrollmentView => ({
  userId: e.userId,
  email: e.user.email,
  name: e.user.name,
  userRole: e.user.role,
  courseRole: e.role,
  enrolledAt: e.createdAt.toISOString(),
});

/** A course's enrollment code when the admin gives none: 12 upper-case hex digits. */
export const newEnrollmentCode = (): string => randomBytes(6).toString('hex').toUpperCase();
