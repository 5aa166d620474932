import { headers } from 'next/headers';
import { z } from 'zod';
import {
  ZClassResults,
  ZGradebook,
  ZMyGradebook,
  ZMySchedule,
  ZScheduleView,
  ZStudentExceptionList,
  type TGradebookQuery,
  ZCourseAdminDetail,
  ZCourseAdminList,
  ZCourseList,
  ZCourseOutline,
  ZExerciseView,
  ZQueueOutlook,
  ZLessonFigureView,
  ZLessonStepView,
  ZMe,
  ZPolicyHistory,
  ZCalibrationState,
  ZPolicyView,
  ZProgressView,
  ZResultView,
  ZSubmissionDetail,
  ZSubmissionSummary,
  ZUserView,
  ZPage,
  ZSiteInfo,
  ZCourseMembers,
  ZContentStatus,
  ZUserDetail,
  ZAuditEntry,
  ZPasswordResetInfo,
  ZNotificationPreferences,
  ZStudentAttempts,
  ZClassOverview,
  type TLessonFigureName,
  type TUserRole,
  ZLtiPickView,
  ZLtiPlatformView,
  ZLtiToolConfig,
} from '@epoch/contracts';
import { loadWebConfig } from './config';

/** Typed client for the API (server components): every response is validated against the shared contract. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The signed-in user's cookie header of the request being rendered, so the API sees the same session. */
async function incomingCookie(): Promise<string | undefined> {
  return (await headers()).get('cookie') ?? undefined;
}

async function get<T>(path: string, schema: z.ZodType<T>, withUser = false): Promise<T> {
  const { EPOCH_API_URL } = loadWebConfig();
  const cookie = withUser ? await incomingCookie() : undefined;
  const res = await fetch(new URL(path, EPOCH_API_URL), { cache: 'no-store', headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const message = body?.error?.message;
    throw new ApiError(res.status, typeof message === 'string' ? message : `API ${path}: HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new ApiError(502, `API ${path}: unexpected response shape`);
  return parsed.data;
}

const enc = encodeURIComponent;
const ZSubmissionPage = z.object({ items: z.array(ZSubmissionSummary), page: z.number(), pageSize: z.number(), total: z.number() });

export const api = {
  courses: () => get('/api/courses', ZCourseList),
  course: (slug: string) => get(`/api/courses/${enc(slug)}`, ZCourseOutline),
  step: (course: string, lesson: string, step: string) => get(`/api/courses/${enc(course)}/lessons/${enc(lesson)}/steps/${enc(step)}`, ZLessonStepView),
  /** The signed-in user, or null when the request has no valid session. */
  me: () =>
    get('/api/me', ZMe, true).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }),
  exercise: (course: string, slug: string) => get(`/api/courses/${enc(course)}/exercises/${enc(slug)}`, ZExerciseView, true),
  queue: (course: string, slug: string) => get(`/api/courses/${enc(course)}/exercises/${enc(slug)}/queue`, ZQueueOutlook, true),
  submissions: (course: string, exercise: string) => get(`/api/submissions?course=${enc(course)}&exercise=${enc(exercise)}&pageSize=50`, ZSubmissionPage, true),
  submission: (id: string) => get(`/api/submissions/${enc(id)}`, ZSubmissionDetail, true),
  progress: (id: string) => get(`/api/submissions/${enc(id)}/progress`, ZProgressView, true),
  classResults: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/results`, ZClassResults, true),
  schedule: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/schedule`, ZScheduleView, true),
  mySchedule: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/schedule/me`, ZMySchedule, true),
  exceptions: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/exceptions`, ZStudentExceptionList, true),
  gradebook: (course: string, q: Pick<TGradebookQuery, 'q' | 'sort' | 'order'>) =>
    get(
      `/api/courses/${enc(course)}/gradebook?${new URLSearchParams({ sort: q.sort, order: q.order, ...(q.q ? { q: q.q } : {}) }).toString()}`,
      ZGradebook,
      true,
    ),
  myGradebook: (course: string) => get(`/api/courses/${enc(course)}/gradebook/me`, ZMyGradebook, true),
  policy: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/policy`, ZPolicyView, true),
  policyHistory: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/policy/history`, ZPolicyHistory, true),
  calibration: (course: string, exercise: string) => get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/calibration`, ZCalibrationState, true),
  users: (role?: TUserRole) => get(`/api/admin/users?pageSize=100${role ? `&role=${role}` : ''}`, ZPage(ZUserView), true),
  adminCourses: () => get('/api/admin/courses', ZCourseAdminList, true),
  adminCourse: (slug: string) => get(`/api/admin/courses/${enc(slug)}`, ZCourseAdminDetail, true),
  lessonFigure: (course: string, name: TLessonFigureName, model: string | null) =>
    get(`/api/courses/${enc(course)}/data-figures/${name}${model ? `?model=${enc(model)}` : ''}`, ZLessonFigureView),
  result: (id: string) => get(`/api/submissions/${enc(id)}/result`, ZResultView, true),
  site: () => get('/api/site', ZSiteInfo),
  stepVersion: (course: string, lesson: string, step: string, version: number) =>
    get(`/api/courses/${enc(course)}/lessons/${enc(lesson)}/steps/${enc(step)}?version=${version}`, ZLessonStepView),
  members: (course: string) => get(`/api/courses/${enc(course)}/members`, ZCourseMembers, true),
  content: (course: string) => get(`/api/courses/${enc(course)}/content`, ZContentStatus, true),
  user: (id: string) => get(`/api/admin/users/${enc(id)}`, ZUserDetail, true),
  audit: (query: string) => get(`/api/admin/audit?${query}`, ZPage(ZAuditEntry).extend({ actions: z.array(z.string()) }), true),
  attempts: (course: string, exercise: string, user: string) =>
    get(`/api/courses/${enc(course)}/exercises/${enc(exercise)}/attempts/${enc(user)}`, ZStudentAttempts, true),
  overview: (course: string) => get(`/api/courses/${enc(course)}/overview`, ZClassOverview, true),
  notificationPreferences: () => get('/api/me/notification-preferences', ZNotificationPreferences, true),
  ltiPick: (id: string) => get(`/api/lti/picks/${enc(id)}`, ZLtiPickView, true),
  ltiPlatforms: () => get('/api/admin/lti/platforms', z.array(ZLtiPlatformView), true),
  ltiTool: () => get('/api/admin/lti/tool', ZLtiToolConfig, true),
  passwordReset: (token: string) => get(`/api/auth/password-reset?token=${enc(token)}`, ZPasswordResetInfo),
};
