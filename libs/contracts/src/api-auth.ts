import { z } from 'zod';

export const ZUserRole = z.enum(['STUDENT', 'INSTRUCTOR', 'ADMIN']);
export type TUserRole = z.infer<typeof ZUserRole>;

/** Passwords: long enough to resist guessing, short enough that hashing cannot be used to exhaust the server. */
export const ZPassword = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');

export const ZSignInRequest = z.object({ email: z.email().max(320), password: z.string().min(1).max(256) }).strict();
export type TSignInRequest = z.infer<typeof ZSignInRequest>;

export const ZChangePasswordRequest = z.object({ currentPassword: z.string().min(1).max(256), newPassword: ZPassword }).strict();
export type TChangePasswordRequest = z.infer<typeof ZChangePasswordRequest>;

export const ZMe = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZUserRole,
  /** Send it back as the `X-CSRF-Token` header on every state-changing request. */
  csrfToken: z.string(),
  courses: z.array(z.object({ slug: z.string(), title: z.string(), role: z.enum(['STUDENT', 'INSTRUCTOR']) })),
});
export type TMe = z.infer<typeof ZMe>;

export const ZJoinCourseRequest = z.object({ enrollmentCode: z.string().trim().min(1).max(64) }).strict();
export type TJoinCourseRequest = z.infer<typeof ZJoinCourseRequest>;
