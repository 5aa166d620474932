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

export const ZUserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZUserRole,
  createdAt: z.string(),
  /** Set for a deactivated account (it cannot sign in; its submissions are kept). */
  deactivatedAt: z.string().nullable(),
});
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

/** How students join a course by code: the code, whether it is accepted, and the window in which it is. */
export const ZEnrollmentSettings = z.object({
  enrollmentCode: z.string(),
  codeEnabled: z.boolean(),
  /** ISO instants; null: no limit on that side. */
  opensAt: z.string().nullable(),
  closesAt: z.string().nullable(),
});
export type TEnrollmentSettings = z.infer<typeof ZEnrollmentSettings>;

/** PUT /api/courses/:slug/enrollment (course staff): turn the code on or off, set the window. */
export const ZEnrollmentSettingsRequest = z
  .object({
    codeEnabled: z.boolean(),
    opensAt: z.iso.datetime({ offset: true }).nullable(),
    closesAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict()
  .refine((v) => v.opensAt === null || v.closesAt === null || new Date(v.opensAt) < new Date(v.closesAt), {
    message: 'the enrollment window must close after it opens',
    path: ['closesAt'],
  });
export type TEnrollmentSettingsRequest = z.infer<typeof ZEnrollmentSettingsRequest>;

/** A member of a course as its staff see it: who, their role there, how and when they joined. */
export const ZCourseMember = ZEnrollmentView.extend({ joinedVia: z.enum(['STAFF', 'CODE', 'ROSTER', 'SEED', 'LTI']) });
export type TCourseMember = z.infer<typeof ZCourseMember>;

/** GET /api/courses/:slug/members (course staff): enrollment settings and everyone in the course, newest first. */
export const ZCourseMembers = z.object({
  slug: z.string(),
  title: z.string(),
  enrollment: ZEnrollmentSettings,
  members: z.array(ZCourseMember),
});
export type TCourseMembers = z.infer<typeof ZCourseMembers>;

/** PATCH /api/admin/users/:id: any of name, e-mail and role. */
export const ZUpdateUserRequest = z
  .object({
    email: z.email().max(320).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    role: ZUserRole.optional(),
  })
  .strict()
  .refine((v) => v.email !== undefined || v.name !== undefined || v.role !== undefined, { message: 'nothing to change: give email, name or role' });
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

/** GET /api/admin/users/:id: an account with its courses and live sessions. */
export const ZUserDetail = ZUserView.extend({
  courses: z.array(z.object({ slug: z.string(), title: z.string(), role: z.enum(['STUDENT', 'INSTRUCTOR']), joinedAt: z.string() })),
  liveSessions: z.number().int(),
  submissions: z.number().int(),
});
export type TUserDetail = z.infer<typeof ZUserDetail>;

/** POST /api/admin/users/:id/password-reset: a one-time link, shown once to the admin (and e-mailed when SMTP is set). */
export const ZPasswordResetLink = z.object({ url: z.string(), expiresAt: z.string(), emailed: z.boolean() });
export type TPasswordResetLink = z.infer<typeof ZPasswordResetLink>;

/** GET /api/admin/audit: filters (each optional) and a page. */
export const ZAuditQuery = ZPageQuery.extend({
  /** An action, or its prefix with a dot (`user.` is every user action). */
  action: z.string().trim().max(100).optional(),
  /** The actor's e-mail (exact, any case) or id; `system` for actions of the system. */
  actor: z.string().trim().max(320).optional(),
  entityType: z.string().trim().max(50).optional(),
  entityId: z.string().trim().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export const ZAuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  data: z.unknown(),
});
export type TAuditEntry = z.infer<typeof ZAuditEntry>;
