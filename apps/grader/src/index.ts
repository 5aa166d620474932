// What other parts of Epoch may call (tests, tools). Queue, reconciler and regrade logic live in @epoch/grading.
export { GRADE_JOB_NAME, parseGradeJob } from './jobs/grade.job';
