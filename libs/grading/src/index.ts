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
  handBack,
  redecide,
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
export { countedAccuracy, decide, seedRunsOf, wantsAnotherSeed, type TDecidable, type TDecision, type TDecisionBasis } from './lifecycle/decide';
export { nthSeed, studentSeed, submissionSeed } from './policy/seeds';
export { diagnose, DIAGNOSIS_RULES, DIAGNOSIS_STEPS, type TFinding, type THistoryEpoch } from './diagnoses/diagnose';
export { isLate, publicPartHidden, refusesSubmission, resultHidden, scheduleOf, shownStatus, type TSchedule } from './lifecycle/schedule';
export { assertTransitions, IllegalTransitionError } from './lifecycle/transitions';

// Use cases.
export {
  assertSourceSize,
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
export { cancelSubmission } from './use-cases/cancel-submission';
export { listenForCancellations, publishCancellation, ZCancelSignal, type TCancelSignal } from './cancel-signal';
export { regrade } from './use-cases/regrade';
export { calibrationView, CALIBRATION_MARGIN, percentile, startCalibration } from './use-cases/calibrate';
export { redecideExercise, type TRedecideReport } from './use-cases/redecide-exercise';
export { changePolicy, updatePolicy, type TRedecided } from './use-cases/update-policy';
export { classResults, classRows, classSummary, csvRecords, CSV_COLUMNS, median } from './use-cases/class-results';
export { quotaDayStart, quotaUsage } from './use-cases/quota';
export { liveReport, restartNotice, submissionProgress, type TProgressDeps } from './use-cases/submission-progress';
export { resultView } from './use-cases/result-view';
export { artifactContent } from './use-cases/artifact-content';
export { applyArtifactRetention, type TRetentionReport } from './use-cases/artifact-retention';
export { moveArtifactBytesToStore } from './use-cases/move-artifact-bytes';
export { policyChanges, policyHistory, samePolicy } from './policy/policy-history';

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
export { queuePosition, queueEstimate } from './queue-position';
export { countAheadOf, jobPriority, jobsAhead, nextRank, placeRun, placeRuns, ranksOf, reorderAfter, type TOrderDeps } from './queue-order';
