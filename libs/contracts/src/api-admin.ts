import { z } from 'zod';
import { ZPageQuery } from './api-common';
import { ZPassword, ZUserRole } from './api-auth';

export const ZCreateUserRequest = z
  .object({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    role: ZUserRole.default('STUDENT'),
    /** Omitted: a random initial password is generated and returned once. */
    password: ZPassword.optional(),
  })
  .strict();
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUserView = z.object({ id: z.string(), email: z.string(), name: z.string(), role: ZUserRole, createdAt: z.string() });
export type TUserView = z.infer<typeof ZUserView>;

export const ZCreatedUser = ZUserView.extend({ initialPassword: z.string().optional() });
export type TCreatedUser = z.infer<typeof ZCreatedUser>;

/**
 * Roster import: CSV text with a header row. Columns: `email,name` (required), `role` (STUDENT by default),
 * `password` (generated when empty), `course` (a course slug to enroll the user in).
 */
export const ZRosterImportRequest = z.object({ csv: z.string().min(1).max(1_000_000) }).strict();
export type TRosterImportRequest = z.infer<typeof ZRosterImportRequest>;
export const ZRosterImportResult = z.object({ created: z.array(ZCreatedUser.extend({ course: z.string().nullable() })) });
export type TRosterImportResult = z.infer<typeof ZRosterImportResult>;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes (2–63)');
export const ZCreateCourseRequest = z
  .object({
    slug,
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).default(''),
    enrollmentCode: z
      .string()
      .regex(/^[A-Z0-9-]{4,32}$/, '4–32 upper-case letters, digits or dashes')
      .optional(),
  })
  .strict();
export type TCreateCourseRequest = z.infer<typeof ZCreateCourseRequest>;
export const ZCourseAdminView = z.object({ id: z.string(), slug: z.string(), title: z.string(), description: z.string(), enrollmentCode: z.string() });
export type TCourseAdminView = z.infer<typeof ZCourseAdminView>;

export const ZAssignInstructorRequest = z.object({ userId: z.string().min(1).max(64) }).strict();
export type TAssignInstructorRequest = z.infer<typeof ZAssignInstructorRequest>;

/** GET /api/admin/users: `?role=` narrows the list to one role. */
export const ZUserListQuery = ZPageQuery.extend({ role: ZUserRole.optional() });
export type TUserListQuery = z.infer<typeof ZUserListQuery>;

/** A course in the admins' list: its code and how many people and exercises it has. */
export const ZCourseAdminSummary = ZCourseAdminView.extend({
  createdAt: z.string(),
  students: z.number().int(),
  instructors: z.number().int(),
  exercises: z.number().int(),
});
export type TCourseAdminSummary = z.infer<typeof ZCourseAdminSummary>;
export const ZCourseAdminList = z.object({ items: z.array(ZCourseAdminSummary) });
export type TCourseAdminList = z.infer<typeof ZCourseAdminList>;

export const ZEnrollmentView = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  /** The account's role, and the role in this course. */
  userRole: ZUserRole,
  courseRole: z.enum(['STUDENT', 'INSTRUCTOR']),
  enrolledAt: z.string(),
});
export type TEnrollmentView = z.infer<typeof ZEnrollmentView>;

/** GET /api/admin/courses/:slug: the course with everyone enrolled (instructors first, then students, by email). */
export const ZCourseAdminDetail = ZCourseAdminSummary.extend({ enrollments: z.array(ZEnrollmentView) });
export type TCourseAdminDetail = z.infer<typeof ZCourseAdminDetail>;

/** POST /api/admin/courses/:slug/students: enrolls an existing student account. */
export const ZEnrollStudentRequest = z.object({ userId: z.string().min(1).max(64) }).strict();
export type TEnrollStudentRequest = z.infer<typeof ZEnrollStudentRequest>;
