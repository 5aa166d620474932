import { z } from 'zod';

export const ZUserRole = z.enum(['STUDENT', 'INSTRUCTOR', 'ADMIN']);
export type TUserRole = z.infer<typeof ZUserRole>;

/** Passwords: long enough to resist guessing, short enough that hashing cannot be used to exhaust the server. */
export const ZPassword = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');

/** The password rules as forms show them (ZPassword, and the server refuses the published demo passwords). */
export const PASSWORD_RULES = 'At least 10 characters (at most 256), and not one of the published demo passwords. A few unrelated words make a good one.';

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

/** GET /api/enrollments/preview?code=: the course a code opens, shown to confirm before joining. */
export const ZJoinPreview = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  /** The caller is already in the course (joining again changes nothing). */
  member: z.boolean(),
});
export type TJoinPreview = z.infer<typeof ZJoinPreview>;

/** POST /api/auth/password-reset: a new password with the token of a reset link. */
export const ZPasswordResetRequest = z.object({ token: z.string().min(16).max(128), newPassword: ZPassword }).strict();
export type TPasswordResetRequest = z.infer<typeof ZPasswordResetRequest>;

/** GET /api/auth/password-reset?token=: whose password a valid link resets, and until when. */
export const ZPasswordResetInfo = z.object({ email: z.string(), name: z.string(), expiresAt: z.string() });
export type TPasswordResetInfo = z.infer<typeof ZPasswordResetInfo>;

/** GET /api/site: how this server runs; the demo accounts are listed (with their published passwords) in demo mode only. */
export const ZSiteInfo = z.object({
  demo: z.boolean(),
  demoAccounts: z.array(z.object({ role: ZUserRole, email: z.string(), name: z.string(), password: z.string() })),
  passwordRules: z.string(),
  /** Whether e-mail and password sign-in is on (EPOCH_PASSWORD_LOGIN). */
  passwordLogin: z.boolean(),
  /** OpenID Connect sign-in, when configured: the button's provider name and where it starts. */
  oidc: z.object({ name: z.string(), startUrl: z.string() }).nullable(),
});
export type TSiteInfo = z.infer<typeof ZSiteInfo>;
