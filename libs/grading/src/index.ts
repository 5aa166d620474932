// @epoch/grading: the submission lifecycle's one owner (statuses move only through lifecycle/), the grading use cases
// shared by the API, the grader and the CLI, the queues and their routing, the graders' heartbeats and the reconciler.
export type { TGradingDeps } from './deps';
export { notYourFault } from './not-your-fault';

// The lifecycle: every status change, the verdict, the schedule.
export {
  abandon,
  backendFamily,
  cancel,
  claim,
  createSubmission,
  failInfra,
  failStudent,
  finishCancelled,
  finishGraded,
  finishExtraSeed,
  handBack,
  redecide,
  replaceQueued,
  retrain,
  reuse,
  stillOwns,
  type TClaim,
  type TDb,
  type TGradedResult,
  type TNewSubmission,
  type TRedecision,
  type TRun,
} from './lifecycle/lifecycle';
export {
  countedAccuracy,
  decide,
  judgedAccuracy,
  seedRunsOf,
  wantsAnotherSeed,
  type TDecidable,
  type TDecision,
  type TDecisionBasis,
} from './lifecycle/decide';
export { nthSeed, studentSeed, submissionSeed } from './policy/seeds';
export { diagnose, DIAGNOSIS_RULES, DIAGNOSIS_STEPS, type TFinding, type THistoryEpoch } from './diagnoses/diagnose';
export {
  closesAt,
  creditAt,
  dayStartIn,
  isLate,
  publicPartHidden,
  quotaOf,
  refusesSubmission,
  resultHidden,
  scheduleOf,
  shownStatus,
  windowAt,
  withException,
  type TSchedule,
  type TStudentException,
  type TWindow,
} from './lifecycle/schedule';
export { assertTransitions, IllegalTransitionError } from './lifecycle/transitions';

// Use cases.
export {
  assertSourceSize,
  checkAgainstPolicy,
  checkResultOf,
  checkSubmission,
  policyRowOf,
  replaySubmission,
  specHashOf,
  submit,
  type TCourseRole,
  type TExerciseRef,
  type TSubmitInput,
  type TSubmitted,
} from './use-cases/submit';
export { enqueueSubmission, requeueSubmission } from './use-cases/enqueue';
export { practiceRun, practiceTraining } from './use-cases/practice';
export { cancelSubmission } from './use-cases/cancel-submission';
export { listenForCancellations, publishCancellation, ZCancelSignal, type TCancelSignal } from './cancel-signal';
export { regrade } from './use-cases/regrade';
export {
  calibrationOf,
  calibrationSuggestion,
  calibrationVariantsOf,
  calibrationView,
  CALIBRATION_MARGIN,
  percentile,
  startCalibration,
  type TCalibrationRuns,
} from './use-cases/calibrate';
export { redecideExercise, type TRedecideReport } from './use-cases/redecide-exercise';
export { changePolicy, updatePolicy, type TRedecided } from './use-cases/update-policy';
export { classResults, classRows, classSummary, csvRecords, CSV_COLUMNS, median } from './use-cases/class-results';
export { practiceUsage, quotaDayStart, quotaUsage } from './use-cases/quota';
export { countedResult, type TAttemptFact } from './use-cases/counted-result';
export { gradebook, gradebookCsv } from './use-cases/gradebook';
export {
  deleteStudentException,
  effectiveDeadline,
  effectiveDeadlines,
  listExceptions,
  mySchedule,
  scheduleView,
  setCourseTimeZone,
  setStudentException,
  studentSchedule,
  updateSchedule,
  type TScheduledExercise,
} from './use-cases/schedule';
export { liveReport, restartNotice, submissionProgress, type TProgressDeps } from './use-cases/submission-progress';
export { resultView } from './use-cases/result-view';
export { artifactContent } from './use-cases/artifact-content';
export { applyArtifactRetention, type TRetentionReport } from './use-cases/artifact-retention';
export { moveArtifactBytesToStore } from './use-cases/move-artifact-bytes';
export { policyChanges, policyHistory, samePolicy, scheduleChanged } from './policy/policy-history';

// Repositories the API's read paths use directly.
export { attemptEpochs, epochView, latestEpochs, recordEpoch, type TEpochRecord } from './repositories/epochs.repository';
export { findSubmission, findWithResult, pageOfSubmissions, recentThroughput } from './repositories/submission.repository';

// Queues, routing, heartbeats, reconciler.
export {
  closeGradingQueues,
  enqueueGrading,
  findGradingJob,
  gradingJobCounts,
  openGradingQueues,
  QUEUE_KINDS,
  removeGradingJob,
  type GradingQueue,
  type TGradingQueues,
  type TQueueKind,
} from './queues';
export { chooseQueue, DEFAULT_GPU_MIN_WORK_MACS, servedQueues } from './routing';
export {
  clearHeartbeat,
  HEARTBEAT_TTL_SECONDS,
  isWorkerAlive,
  liveWorkers,
  writeHeartbeat,
  ZWorkerHeartbeat,
  type TLiveWorkers,
  type TWorkerHeartbeat,
} from './workers';
export { reconcileQueue, startReconciler, type TReconcileOptions, type TReconcileReport } from './reconcile';
export { endSeedSeries, queueExtraSeed } from './use-cases/extra-seeds';
export { queueEstimate, queueOutlook, queuePosition } from './queue-position';

// The outbox (messages written in the transaction of the change that causes them, delivered by a BullMQ job) and the
// student notifications that use it.
export {
  deliverOutboxMessage,
  dueOutboxMessages,
  enqueueOutbox,
  OutboxBusyError,
  outboxHandler,
  type TDelivery,
  type TDeliverOptions,
  type TDeliverOutcome,
  type TOutboxContext,
  type TOutboxHandler,
  type TOutboxHandlers,
  type TOutboxMessageInput,
} from './outbox/outbox';
export { OUTBOX_QUEUE, startOutboxDispatcher, type TOutboxDispatcher, type TOutboxDispatcherOptions, type TPeriodicTask } from './outbox/dispatcher';
export {
  noteResult,
  NOTIFIED_STATUSES,
  outboxMessageId,
  RESULT_EMAIL,
  resultEmailHandler,
  ZResultEmailPayload,
  type TMailSender,
  type TResultEmailPayload,
} from './notifications/result-notice';
export {
  DEADLINE_REMINDER,
  REMINDER_LEAD_MS,
  reminderEmailHandler,
  writeDeadlineReminders,
  ZReminderPayload,
  type TReminderPayload,
} from './notifications/reminders';
export { DEFAULT_PREFERENCES, NOTICE_LOOKBACK_MS, notificationPreferences, resultNotices, setNotificationPreferences } from './notifications/preferences';
export { studentAttempts } from './use-cases/student-attempts';
export { classOverview, groupFailures, reasonKey } from './use-cases/class-overview';
// LMS grade passback (LTI AGS): the outbox message written with a submission's ending, and the grade it posts.
export { countedResultOf, LTI_GRADE, noteLtiGrade, ZLtiGradePayload, type TLtiGradePayload } from './notifications/lti-grade';
export {
  countAheadOf,
  EXTRA_SEED_PRIORITY,
  jobPriority,
  jobsAhead,
  nextRank,
  placeRun,
  placeRuns,
  ranksOf,
  reorderAfter,
  type TOrderDeps,
} from './queue-order';
