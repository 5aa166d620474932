import { demoPasswordAccounts } from './demo/demo-password-accounts';
import { listAudit } from './audit/list-audit';
import { changePassword } from './auth/change-password';
import { currentUser } from './auth/current-user';
import { resolveSession } from './auth/resolve-session';
import { signIn } from './auth/sign-in';
import { signInWithIdentity } from './auth/external-sign-in';
import { signOut } from './auth/sign-out';
import { signOutEverywhere } from './auth/sign-out-everywhere';
import { courseOutline } from './content/course-outline';
import { lessonStep } from './content/lesson-step';
import { listPublicCourses } from './content/list-public-courses';
import { requireCourse } from './content/require-course';
import { assignInstructor } from './courses/assign-instructor';
import { courseDetail } from './courses/course-detail';
import { courseMembers, leaveCourse, regenerateEnrollmentCode, removeMember, updateEnrollment } from './courses/course-members';
import { requireCourseStaff } from './courses/course-staff';
import { createCourse } from './courses/create-course';
import { enrollStudent } from './courses/enroll-student';
import { joinCourse, previewJoin } from './courses/join-course';
import { listCourses } from './courses/list-courses';
import { pingDatabase } from './health/ping-database';
import type { TDb } from '@epoch/db';
import { createUser } from './users/create-user';
import { importRoster } from './users/import-roster';
import { listUsers } from './users/list-users';
import { setUserActive, updateUser, userDetail } from './users/manage-user';
import { issuePasswordReset, passwordResetInfo, resetPassword } from './users/password-reset';

const on =
  <A extends unknown[], R>(db: TDb, useCase: (db: TDb, ...args: A) => R) =>
  (...args: A): R =>
    useCase(db, ...args);

/**
 * Every use case of this library bound to one database client: what the API injects into its controllers, so they
 * call use cases and never hold the client themselves.
 */
export function bindAccounts(db: TDb) {
  return {
    listUsers: on(db, listUsers),
    createUser: on(db, createUser),
    importRoster: on(db, importRoster),
    userDetail: on(db, userDetail),
    updateUser: on(db, updateUser),
    setUserActive: on(db, setUserActive),
    issuePasswordReset: on(db, issuePasswordReset),
    passwordResetInfo: on(db, passwordResetInfo),
    resetPassword: on(db, resetPassword),
    listAudit: on(db, listAudit),
    demoPasswordAccounts: on(db, demoPasswordAccounts),
    listCourses: on(db, listCourses),
    courseDetail: on(db, courseDetail),
    createCourse: on(db, createCourse),
    assignInstructor: on(db, assignInstructor),
    enrollStudent: on(db, enrollStudent),
    previewJoin: on(db, previewJoin),
    joinCourse: on(db, joinCourse),
    leaveCourse: on(db, leaveCourse),
    courseMembers: on(db, courseMembers),
    updateEnrollment: on(db, updateEnrollment),
    regenerateEnrollmentCode: on(db, regenerateEnrollmentCode),
    removeMember: on(db, removeMember),
    requireCourseStaff: on(db, requireCourseStaff),
    signIn: on(db, signIn),
    signInWithIdentity: on(db, signInWithIdentity),
    signOut: on(db, signOut),
    signOutEverywhere: on(db, signOutEverywhere),
    changePassword: on(db, changePassword),
    resolveSession: on(db, resolveSession),
    currentUser: on(db, currentUser),
    listPublicCourses: on(db, listPublicCourses),
    courseOutline: on(db, courseOutline),
    lessonStep: on(db, lessonStep),
    requireCourse: on(db, requireCourse),
    pingDatabase: on(db, pingDatabase),
  };
}
export type TAccounts = ReturnType<typeof bindAccounts>;
