// What other parts of Epoch may call (tests, tools; the API through a shared lib once these move there).
export { reconcileQueue, startReconciler, type TReconcileOptions, type TReconcileReport } from './reconciler';
export { redecideExercise, type TRedecideReport } from './redecide';
export { queuePosition, queueEstimate, liveWorkers } from './queue-position';
export { GRADE_JOB_NAME, parseGradeJob } from './jobs/grade.job';
