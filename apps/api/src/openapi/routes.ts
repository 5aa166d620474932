import { z } from 'zod';
import {
  ZApiError, ZAssignInstructorRequest, ZChangePasswordRequest, ZCheckResponse, ZClassResults, ZCourseAdminView, ZCourseList, ZCourseOutline,
  ZCreateCourseRequest, ZCreatedUser, ZCreateUserRequest, ZExerciseView, ZGradingPolicy, ZJoinCourseRequest, ZLessonStepView, ZMe, ZPage,
  ZPolicyUpdateResult, ZPolicyView, ZProgressView, ZRegradeRequest, ZRegradeResult, ZResultView, ZRosterImportRequest,
  ZRosterImportResult, ZSignInRequest, ZSubmissionCreated, ZSubmissionDetail, ZSubmissionListQuery, ZSubmissionRequest, ZSubmissionView, ZUserView,
  ZCourseAdminDetail, ZCourseAdminList, ZEnrollmentView, ZEnrollStudentRequest, ZLessonFigureQuery, ZLessonFigureView, ZPolicyHistory, ZUserListQuery,
} from '@epoch/contracts';

/** Who may call a route: everyone, any signed-in user, or a narrower group (enforced by the guard and AccessService). */
export type TAccess = 'public' | 'session' | 'student' | 'admin' | 'course member' | 'course staff' | 'owner or course staff' | 'owner';

export interface TRouteDoc {
  method: 'get' | 'post' | 'put';
  /** Express-style path (`:id`); converted to `{id}` in the document. */
  path: string;
  tag: string;
  summary: string;
  access: TAccess;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** The success response: a zod schema (JSON), or another media type. */
  response?: z.ZodType | 'text/csv' | 'text/event-stream' | 'binary' | 'text/plain' | 'text/html' | 'none';
  status?: number;
  headers?: { name: string; description: string }[];
}

const ZHealth = z.object({ status: z.enum(['ok', 'degraded']), checks: z.record(z.string(), z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() })) });

/** Every route of the API, documented. A unit test checks this list against the controllers, both ways. */
export const ROUTES: TRouteDoc[] = [
  { method: 'get', path: '/api/health', tag: 'ops', summary: 'Liveness: Postgres and Redis answer (503 with the report otherwise)', access: 'public', response: ZHealth },
  { method: 'get', path: '/api/health/ready', tag: 'ops', summary: 'Readiness: health plus grading queue depth and live graders', access: 'public', response: ZHealth.extend({ queue: z.record(z.string(), z.number()).nullable(), workers: z.number().nullable(), warnings: z.array(z.string()) }) },
  { method: 'get', path: '/metrics', tag: 'ops', summary: 'Prometheus metrics', access: 'public', response: 'text/plain' },
  { method: 'get', path: '/api/openapi.json', tag: 'ops', summary: 'This document', access: 'public', response: z.object({ openapi: z.string() }).loose() },
  { method: 'get', path: '/api/docs', tag: 'ops', summary: 'Interactive API page', access: 'public', response: 'text/html' },
  { method: 'get', path: '/api/docs/init.js', tag: 'ops', summary: 'The interactive page\'s script', access: 'public', response: 'text/plain' },

  { method: 'post', path: '/api/auth/sign-in', tag: 'accounts', summary: 'Sign in; sets the httpOnly session cookie. Rate-limited per address; accounts lock after repeated failures (423)', access: 'public', body: ZSignInRequest, response: ZMe, status: 200 },
  { method: 'post', path: '/api/auth/sign-out', tag: 'accounts', summary: 'Sign out (revokes this session)', access: 'session', response: 'none', status: 204 },
  { method: 'post', path: '/api/auth/sign-out-everywhere', tag: 'accounts', summary: 'Revoke every session of the caller', access: 'session', response: z.object({ revoked: z.number().int() }), status: 200 },
  { method: 'post', path: '/api/auth/password', tag: 'accounts', summary: 'Change the password (other sessions are revoked)', access: 'session', body: ZChangePasswordRequest, response: 'none', status: 204 },
  { method: 'get', path: '/api/me', tag: 'accounts', summary: 'The caller, their courses and the CSRF token', access: 'session', response: ZMe },
  { method: 'post', path: '/api/enrollments', tag: 'accounts', summary: 'Join a course with its enrollment code', access: 'student', body: ZJoinCourseRequest, response: z.object({ slug: z.string(), title: z.string(), role: z.enum(['STUDENT', 'INSTRUCTOR']) }), status: 200 },

  { method: 'get', path: '/api/admin/users', tag: 'admin', summary: 'List users (`role` narrows to one role)', access: 'admin', query: ZUserListQuery, response: ZPage(ZUserView) },
  { method: 'post', path: '/api/admin/users', tag: 'admin', summary: 'Create a user (a random password is generated and returned once when none is given)', access: 'admin', body: ZCreateUserRequest, response: ZCreatedUser, status: 201 },
  { method: 'post', path: '/api/admin/users/import', tag: 'admin', summary: 'Import a CSV roster (email,name[,role,password,course]); all rows or none', access: 'admin', body: ZRosterImportRequest, response: ZRosterImportResult, status: 201 },
  { method: 'get', path: '/api/admin/courses', tag: 'admin', summary: 'Courses with enrollment codes and counts of students, instructors and exercises', access: 'admin', response: ZCourseAdminList },
  { method: 'get', path: '/api/admin/courses/:slug', tag: 'admin', summary: 'A course with everyone enrolled', access: 'admin', response: ZCourseAdminDetail },
  { method: 'post', path: '/api/admin/courses/:slug/students', tag: 'admin', summary: 'Enroll an existing student in a course', access: 'admin', body: ZEnrollStudentRequest, response: ZEnrollmentView, status: 200 },
  { method: 'post', path: '/api/admin/courses', tag: 'admin', summary: 'Create a course', access: 'admin', body: ZCreateCourseRequest, response: ZCourseAdminView, status: 201 },
  { method: 'post', path: '/api/admin/courses/:slug/instructors', tag: 'admin', summary: 'Assign an instructor to a course', access: 'admin', body: ZAssignInstructorRequest, response: z.object({ courseSlug: z.string(), userId: z.string(), role: z.literal('INSTRUCTOR') }), status: 200 },

  { method: 'get', path: '/api/courses', tag: 'courses', summary: 'Courses', access: 'public', response: ZCourseList },
  { method: 'get', path: '/api/courses/:slug', tag: 'courses', summary: 'A course outline: lessons, steps, exercises', access: 'public', response: ZCourseOutline },
  { method: 'get', path: '/api/courses/:slug/lessons/:lesson/steps/:step', tag: 'courses', summary: 'A lesson step (markdown)', access: 'public', response: ZLessonStepView },
  { method: 'get', path: '/api/courses/:slug/data-figures/:name', tag: 'courses', summary: 'A lesson figure drawn from data (training-grid, accuracy-curve, prediction-grid, feature-maps): pictures, chart data and caption, or why it is unavailable', access: 'public', query: ZLessonFigureQuery, response: ZLessonFigureView },
  { method: 'get', path: '/api/courses/:slug/data-figures/:name/:file', tag: 'courses', summary: 'A picture of a lesson data figure (PNG)', access: 'public', query: ZLessonFigureQuery, response: 'binary' },
  { method: 'get', path: '/api/courses/:slug/figures/:file', tag: 'courses', summary: 'A lesson figure (SVG or PNG)', access: 'public', response: 'binary' },

  { method: 'get', path: '/api/exercises/:slug', tag: 'exercises', summary: 'An exercise with the policy\'s student-visible parts and the quota left', access: 'course member', response: ZExerciseView },
  { method: 'get', path: '/api/exercises/:slug/policy', tag: 'exercises', summary: 'The live grading policy', access: 'course staff', response: ZPolicyView },
  { method: 'get', path: '/api/exercises/:slug/policy/history', tag: 'exercises', summary: 'Every version of the grading policy, newest first: who, when, each changed field old -> new', access: 'course staff', response: ZPolicyHistory },
  { method: 'put', path: '/api/exercises/:slug/policy', tag: 'exercises', summary: 'Replace the grading policy: new version, history row, audit entry, re-decision of stored results', access: 'admin', body: ZGradingPolicy, response: ZPolicyUpdateResult },
  { method: 'get', path: '/api/exercises/:slug/results', tag: 'class results', summary: 'Per student: best/latest accuracy, passed, attempts, last submission, late; summary', access: 'course staff', response: ZClassResults },
  { method: 'get', path: '/api/exercises/:slug/results.csv', tag: 'class results', summary: 'The class results as CSV (one row per student, stable columns)', access: 'course staff', response: 'text/csv' },
  { method: 'post', path: '/api/exercises/:slug/regrade', tag: 'class results', summary: 'Re-decide from stored metrics, or re-train, chosen submissions', access: 'course staff', body: ZRegradeRequest, response: ZRegradeResult, status: 200 },

  {
    method: 'post', path: '/api/submissions', tag: 'submissions', summary: 'Submit a source: checked at once; rejected ones are stored with diagnostics, valid ones stored and queued. 201 new, 200 replay of an Idempotency-Key',
    access: 'course member', body: ZSubmissionRequest, response: ZSubmissionCreated, status: 201,
    headers: [{ name: 'Idempotency-Key', description: 'Optional, 8–200 of [A-Za-z0-9._:-]; a retry with the same key returns the first submission' }],
  },
  { method: 'post', path: '/api/submissions/check', tag: 'submissions', summary: 'Check a source only (nothing stored, no quota)', access: 'course member', body: ZSubmissionRequest, response: ZCheckResponse, status: 200 },
  { method: 'get', path: '/api/submissions', tag: 'submissions', summary: 'The caller\'s own submissions, newest first', access: 'session', query: ZSubmissionListQuery, response: ZPage(ZSubmissionView) },
  { method: 'get', path: '/api/submissions/:id', tag: 'submissions', summary: 'A submission with its source', access: 'owner or course staff', response: ZSubmissionDetail },
  { method: 'post', path: '/api/submissions/:id/cancel', tag: 'submissions', summary: 'Cancel a queued submission', access: 'owner', response: ZSubmissionView, status: 200 },
  { method: 'get', path: '/api/submissions/:id/progress', tag: 'results', summary: 'Polling: status, queue position, ETA, epochs', access: 'owner or course staff', response: ZProgressView },
  {
    method: 'get', path: '/api/submissions/:id/events', tag: 'results', summary: 'Server-sent events: `status`, `epoch` (id attempt.epoch) and `end`; resumes after Last-Event-ID',
    access: 'owner or course staff', response: 'text/event-stream', headers: [{ name: 'Last-Event-ID', description: 'The last `epoch` event id received (attempt.epoch)' }],
  },
  { method: 'get', path: '/api/submissions/:id/result', tag: 'results', summary: 'The result: metrics, pass/fail, history, backend, durations, artifacts', access: 'owner or course staff', response: ZResultView },
  { method: 'get', path: '/api/submissions/:id/artifacts/:name', tag: 'results', summary: 'A plot (PNG) or its data (JSON); ETag and private caching', access: 'owner or course staff', response: 'binary' },
];

export const ERROR_SCHEMA = ZApiError;
