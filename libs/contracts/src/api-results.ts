import { z } from 'zod';
import { ZCountedResult } from './api-schedule';
import { ZRunKind } from './queues';
import { ZSubmissionStatus } from './api-submissions';
import { ZEtaRange, ZGradingProgress } from './grading-progress';

export const ZEpochView = z.object({
  attempt: z.number().int(),
  epoch: z.number().int(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
  seconds: z.number(),
});
export type TEpochView = z.infer<typeof ZEpochView>;

/** GET /api/submissions/:id/progress, and the `status` event of the SSE stream. */
export const ZProgressView = z.object({
  submissionId: z.string(),
  status: ZSubmissionStatus,
  /** 1 = next to be taken by a grader; null when not waiting. */
  queuePosition: z.number().int().nullable(),
  /** Estimated seconds until the result (null when unknown or finished). */
  etaSeconds: z.number().int().nullable(),
  /** The range of that estimate (null when there is none): shown instead of one number while it is uncertain. */
  etaRange: ZEtaRange.nullable().optional(),
  /** Epochs of the current training attempt (of the last one once final). */
  epochs: z.array(ZEpochView),
  /** The grader's live report of the current attempt while RUNNING (phase, batch, running loss/accuracy, its ETA); null otherwise. */
  live: ZGradingProgress.nullable(),
  /** The submission's current training attempt (0 before a grader first took it; 2 after a restart...). */
  attempt: z.number().int().min(0),
  /** Why training started over, while an earlier attempt ended without a result (its grader stopped or failed); else null. */
  restarted: z.string().nullable(),
  /** Test accuracy and pass/fail are hidden until the deadline under an AFTER_DEADLINE policy. */
  resultHidden: z.boolean(),
});
export type TProgressView = z.infer<typeof ZProgressView>;

export const ZArtifactRef = z.object({ name: z.string(), kind: z.string(), contentType: z.string(), url: z.string() });

/** What a diagnosis is about: each names the lesson topic that explains it (see diagnose() in @epoch/grading). */
export const ZDiagnosisKind = z.enum(['overfitting', 'learning-rate-too-high', 'underfitting', 'dead-output']);
export type TDiagnosisKind = z.infer<typeof ZDiagnosisKind>;

/** A rule-based hint on a finished result, with the lesson step that explains it (null when the course has none). */
export const ZDiagnosis = z.object({
  kind: ZDiagnosisKind,
  title: z.string(),
  message: z.string(),
  /** The epoch the hint points at (overfitting: where validation loss turns up; null when none applies). */
  epoch: z.number().int().nullable(),
  /** The lesson step that explains it: its title and address in the web app. */
  lessonStep: z.object({ title: z.string(), href: z.string() }).nullable(),
});
export type TDiagnosis = z.infer<typeof ZDiagnosis>;

/** One training run of a submission: the seed and the accuracy that counted (the private part's under a held-out split). */
/** One seed's run of a result: its seed, the accuracy that counts, and what it cost (training seconds; absent on results recorded before it was). */
export const ZSeedRun = z.object({ seed: z.number().int(), testAccuracy: z.number(), trainingSeconds: z.number().nonnegative().optional() });
export type TSeedRun = z.infer<typeof ZSeedRun>;

/** The private part of a held-out test split: its numbers, and the split itself (seed, images in each part). */
export const ZHeldOutPart = z.object({
  testAccuracy: z.number(),
  testLoss: z.number(),
  perClassAccuracy: z.array(z.number().nullable()),
  confusionMatrix: z.array(z.array(z.number())),
  split: z.object({ seed: z.number().int(), share: z.number(), publicImages: z.number().int(), privateImages: z.number().int() }),
});
export type THeldOutPart = z.infer<typeof ZHeldOutPart>;

/** GET /api/submissions/:id/result. */
export const ZResultView = z.object({
  submissionId: z.string(),
  /** A practice run's result has no verdict and no test numbers: its validation curves only (status GRADED). */
  kind: ZRunKind,
  status: ZSubmissionStatus,
  /** Null while hidden (AFTER_DEADLINE policy, before the deadline, for the student). */
  passed: z.boolean().nullable(),
  testAccuracy: z.number().nullable(),
  testLoss: z.number().nullable(),
  perClassAccuracy: z.unknown().nullable(),
  confusionMatrix: z.unknown().nullable(),
  resultHidden: z.boolean(),
  visibleFrom: z.string().nullable(),
  history: z.array(ZEpochView),
  backend: z.string(),
  backendVersions: z.unknown(),
  seed: z.number().int(),
  durations: z.object({ queueWaitMs: z.number().int(), trainingMs: z.number().int(), evaluationMs: z.number().int() }),
  reusedFrom: z.string().nullable(),
  artifacts: z.array(ZArtifactRef),
  /** Every seed the submission was trained with and the accuracy each reached (best-of-k: more than one). */
  seedRuns: z.array(ZSeedRun).default([]),
  /**
   * Best-of-k: the seed the result is being trained with again (a low-priority job), null when none is pending: the
   * verdict may still change to passed. Null for students while results are hidden.
   */
  pendingSeed: z.number().int().nullable().default(null),
  /**
   * The accuracy the verdict is about (judgedAccuracy in @epoch/grading): the best seed's, each on the held-out split's
   * private part when there is one. Null for practice runs and for students while results are hidden.
   */
  verdictAccuracy: z.number().nullable().default(null),
  /**
   * The held-out split's private part (the verdict's numbers): null without a split, and for students while results
   * are hidden (before the deadline); `heldOutHidden` then says it exists. testAccuracy etc. are the public part's.
   */
  heldOut: ZHeldOutPart.nullable().default(null),
  heldOutHidden: z.boolean().default(false),
  /** Rule-based hints on the training (overfitting, learning rate, underfitting, a dead output). */
  diagnoses: z.array(ZDiagnosis).default([]),
});
export type TResultView = z.infer<typeof ZResultView>;

/** GET /api/exercises/:slug/results: one row per student of the course. */
export const ZClassResultRow = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  attempts: z.number().int(),
  bestTestAccuracy: z.number().nullable(),
  latestTestAccuracy: z.number().nullable(),
  passed: z.boolean(),
  lastSubmissionAt: z.string().nullable(),
  /** The latest submission came after the deadline. */
  late: z.boolean(),
  latestSubmissionId: z.string().nullable(),
  /** The latest submission's status (null without one): a row has no verdict while it is still queued or training. */
  latestStatus: ZSubmissionStatus.nullable(),
  /** The attempt that counts (best or last, per the exercise's setting) and what it counts for; null without a result. */
  counted: ZCountedResult.nullable(),
});
export type TClassResultRow = z.infer<typeof ZClassResultRow>;

export const ZClassResults = z.object({
  exercise: z.string(),
  minTestAccuracy: z.number(),
  summary: z.object({
    students: z.number().int(),
    withResult: z.number().int(),
    passed: z.number().int(),
    /** Passed / students (0 when there are none). */
    passRate: z.number(),
    /** Median of the students' best test accuracy (null without results). */
    medianBest: z.number().nullable(),
    /** Best test accuracies in ten 0.1-wide bins ([0, 0.1), ..., [0.9, 1.0]). */
    distribution: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  }),
  rows: z.array(ZClassResultRow),
});
export type TClassResults = z.infer<typeof ZClassResults>;

export const ZRegradeRequest = z
  .object({
    /** redecide: PASSED/FAILED again from the stored test accuracy; retrain: queue the submissions again. */
    mode: z.enum(['redecide', 'retrain']),
    submissionIds: z.array(z.string().min(1).max(64)).min(1).max(500),
  })
  .strict();
export type TRegradeRequest = z.infer<typeof ZRegradeRequest>;
export const ZRegradeResult = z.object({
  mode: z.enum(['redecide', 'retrain']),
  changed: z.array(z.string()),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
});
export type TRegradeResult = z.infer<typeof ZRegradeResult>;
