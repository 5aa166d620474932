// Grading on the server side, shared by the API and the grader: the queues and their routing, the graders'
// heartbeats, the reconciler, regrading without retraining, and the policy row in its contract form.
export {
  closeGradingQueues,
  enqueueGrading,
  findGradingJob,
  gradingJobCounts,
  openGradingQueues,
  QUEUE_KINDS,
  queueNameOf,
  removeGradingJob,
  type GradingQueue,
  type TGradingQueues,
  type TQueueKind,
} from './queues';
export { chooseQueue, DEFAULT_GPU_MIN_WORK_MACS, servedQueues } from './routing';
export { clearHeartbeat, HEARTBEAT_TTL_SECONDS, liveWorkers, writeHeartbeat, ZWorkerHeartbeat, type TLiveWorkers, type TWorkerHeartbeat } from './workers';
export { reconcileQueue, startReconciler, type TReconcileOptions, type TReconcileReport } from './reconcile';
export { redecideExercise, redecideInTransaction, type TRedecideReport } from './redecide';
export { queuePosition, queueEstimate } from './queue-position';
export { policyFromRow } from './policy-row';
export { notYourFault } from './not-your-fault';
