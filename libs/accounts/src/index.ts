// Accounts and courses on the server side: users, rosters, sessions and sign-in, courses and enrollments, the public
// course content, as plain use cases (one per file) over a database client. Only the repositories touch Prisma.
export { bindAccounts, type TAccounts } from './accounts';

export { listUsers } from './users/list-users';
export { createUser } from './users/create-user';
export { importRoster } from './users/import-roster';
export { parseRoster, type TRosterIssue, type TRosterRow } from './users/roster';
export { userDetail, updateUser, setUserActive } from './users/manage-user';
export { issuePasswordReset, passwordResetInfo, resetPassword, type TResetSettings } from './users/password-reset';
export { assertNewPassword } from './users/password-rules';
export { createAdmin } from './users/create-admin';
export { listAudit } from './audit/list-audit';
export { seedDemoAccounts } from './demo/seed-demo-accounts';
export { demoPasswordAccounts, demoPasswordRefusal, productionCheck } from './demo/demo-password-accounts';
export { createMailer, type TMail, type TMailer } from './mail/mailer';

export { listCourses } from './courses/list-courses';
export { courseDetail } from './courses/course-detail';
export { createCourse } from './courses/create-course';
export { assignInstructor } from './courses/assign-instructor';
export { enrollStudent } from './courses/enroll-student';
export { joinCourse, previewJoin } from './courses/join-course';
export { courseMembers, leaveCourse, regenerateEnrollmentCode, removeMember, updateEnrollment } from './courses/course-members';
export { requireCourseStaff, type TCaller } from './courses/course-staff';

export { signIn, type TSignInRequestMeta } from './auth/sign-in';
export { NO_PASSWORD_HASH, openSession, signInWithIdentity, type TExternalIdentity, type TExternalSignInRules } from './auth/external-sign-in';
export { signOut } from './auth/sign-out';
export { signOutEverywhere } from './auth/sign-out-everywhere';
export { changePassword } from './auth/change-password';
export { resolveSession } from './auth/resolve-session';
export { currentUser } from './auth/current-user';
export { sessionTokenHash, type TSessionUser, type TSignInPolicy } from './auth/session-user';

export { listPublicCourses } from './content/list-public-courses';
export { courseOutline } from './content/course-outline';
export { lessonStep } from './content/lesson-step';
export { requireCourse } from './content/require-course';

export { pingDatabase } from './health/ping-database';
