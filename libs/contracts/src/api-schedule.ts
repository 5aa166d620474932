import { z } from 'zod';
import { ZGradingPolicyFields, ZScheduleFields } from './grading-policy';

/** An IANA time zone name this runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export const ZTimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (name) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: name });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)' },
  );

/** PUT /api/courses/:slug/time-zone (course staff). */
export const ZCourseTimeZoneRequest = z.object({ timeZone: ZTimeZone }).strict();
export const ZCourseTimeZone = z.object({ courseSlug: z.string(), timeZone: z.string() });
export type TCourseTimeZone = z.infer<typeof ZCourseTimeZone>;

/** The result that counts for a student at an exercise (see countedResult in @epoch/grading). */
export const ZCountedResult = z.object({
  submissionId: z.string(),
  status: z.enum(['PASSED', 'FAILED']),
  testAccuracy: z.number(),
  submittedAt: z.string(),
  late: z.boolean(),
  /** Share of full marks the result counts for (0–1) under the schedule at submission time. */
  credit: z.number(),
  /** What the exercise is worth to the student (0–1): the credit when passed, 0 when failed. */
  score: z.number(),
});
export type TCountedResult = z.infer<typeof ZCountedResult>;

/** PUT /api/courses/:slug/exercises/:ex/schedule (course staff): the schedule fields, whole. */
export const ZScheduleRequest = ZScheduleFields.strict();
export type TScheduleRequest = z.infer<typeof ZScheduleRequest>;

export const ZScheduleView = z.object({
  exerciseSlug: z.string(),
  courseSlug: z.string(),
  timeZone: z.string(),
  /** The policy version the schedule is part of (schedule and policy share one history). */
  version: z.number().int(),
  schedule: ZScheduleFields,
  /** After an update: what re-deciding the stored results changed. */
  redecided: z.object({ passedToFailed: z.number().int(), failedToPassed: z.number().int(), recredited: z.number().int() }).optional(),
});
export type TScheduleView = z.infer<typeof ZScheduleView>;

/** PUT /api/courses/:slug/exercises/:ex/exceptions/:userId (course staff): a student's extension and quota overrides. */
export const ZStudentExceptionRequest = z
  .object({
    /** The student's own deadline (null: the exercise's); the late windows follow it. */
    deadline: z.iso.datetime({ offset: true }).nullable().default(null),
    /** Added to the total quota. */
    extraSubmissions: z.number().int().min(0).max(1000).default(0),
    /** Overrides of the policy's quotas (null: the policy's). */
    dailyQuota: ZGradingPolicyFields.shape.dailyQuota.unwrap().unwrap().nullable().default(null),
    totalQuota: ZGradingPolicyFields.shape.totalQuota.unwrap().unwrap().nullable().default(null),
    note: z.string().max(500).nullable().default(null),
  })
  .strict();
export type TStudentExceptionRequest = z.infer<typeof ZStudentExceptionRequest>;

export const ZStudentExceptionView = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  deadline: z.string().nullable(),
  extraSubmissions: z.number().int(),
  dailyQuota: z.number().int().nullable(),
  totalQuota: z.number().int().nullable(),
  note: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type TStudentExceptionView = z.infer<typeof ZStudentExceptionView>;
export const ZStudentExceptionList = z.object({ exerciseSlug: z.string(), items: z.array(ZStudentExceptionView) });
export type TStudentExceptionList = z.infer<typeof ZStudentExceptionList>;

/** A student's own schedule for an exercise: their deadline (with an extension), the late credit, when it closes. */
export const ZMySchedule = z.object({
  timeZone: z.string(),
  opensAt: z.string().nullable(),
  deadline: z.string().nullable(),
  /** The exercise's deadline when the student's own one differs (an extension). */
  exerciseDeadline: z.string().nullable(),
  extended: z.boolean(),
  latePolicy: z.enum(['ACCEPT', 'REFUSE']),
  lateCredit: ZGradingPolicyFields.shape.lateCredit,
  /** When late work stops being accepted (null: never). */
  closesAt: z.string().nullable(),
  /** Where now falls, and what work submitted now would count for. */
  window: z.enum(['NOT_OPEN', 'ON_TIME', 'LATE', 'CLOSED']),
  creditNow: z.number(),
  extraSubmissions: z.number().int(),
});
export type TMySchedule = z.infer<typeof ZMySchedule>;

/** GET /api/courses/:slug/gradebook (course staff; `format=csv` for CSV) and .../gradebook/me (a student's own row). */
export const ZGradebookQuery = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    /** Only students whose name or email contains this (case-insensitive). */
    q: z.string().max(200).optional(),
    sort: z.enum(['name', 'email', 'total']).default('email'),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();
export type TGradebookQuery = z.infer<typeof ZGradebookQuery>;

export const ZGradebookCell = z.object({
  exerciseSlug: z.string(),
  counted: ZCountedResult.nullable(),
  /** Graded attempts (PASSED or FAILED). */
  attempts: z.number().int(),
  /** The student has an extension (their own deadline) for this exercise. */
  extended: z.boolean(),
});
export const ZGradebookRow = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  cells: z.array(ZGradebookCell),
  /** Sum of the cells' scores (each 0–1) and how many exercises were passed. */
  total: z.number(),
  passed: z.number().int(),
});
export type TGradebookRow = z.infer<typeof ZGradebookRow>;
export const ZGradebook = z.object({
  courseSlug: z.string(),
  timeZone: z.string(),
  exercises: z.array(
    z.object({ slug: z.string(), title: z.string(), countedResult: z.enum(['BEST', 'LAST']), deadline: z.string().nullable(), minTestAccuracy: z.number() }),
  ),
  rows: z.array(ZGradebookRow),
});
export type TGradebook = z.infer<typeof ZGradebook>;

/** GET /api/courses/:slug/gradebook/me: a student's own row. */
export const ZMyGradebook = ZGradebook.omit({ rows: true }).extend({ row: ZGradebookRow });
export type TMyGradebook = z.infer<typeof ZMyGradebook>;

/** PUT .../exceptions/:userId answers the saved exception and how many of the student's results were re-decided. */
export const ZStudentExceptionSaved = ZStudentExceptionView.extend({ recredited: z.number().int() });
export type TStudentExceptionSaved = z.infer<typeof ZStudentExceptionSaved>;
