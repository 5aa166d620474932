import type { TQueueOutlook, TStudentPolicyView } from '@epoch/contracts';
import { durationText } from './eta-text';

const wait = (s: number | null) => (s === null ? 'unknown (no run of this exercise was timed yet)' : s < 60 ? 'under a minute' : `about ${durationText(s)}`);

/** The line under Submit: the wait for a grader now and where a new submission would stand. */
export function waitText(o: TQueueOutlook): string {
  const ahead = o.graded.position - 1;
  return `Wait for a grader now: ${wait(o.graded.waitSeconds)}. A submission now would be number ${o.graded.position} in the queue (${
    ahead === 0 ? 'nothing ahead of it' : `${ahead} run${ahead === 1 ? '' : 's'} ahead`
  }; ${o.waiting} waiting in all, ${o.graders} grader${o.graders === 1 ? '' : 's'}).`;
}

/** What a practice run is, and what is left of today's. */
export function practiceText(p: Pick<TStudentPolicyView, 'practiceTrainImages' | 'practiceEpochs' | 'practiceDailyLimit'>, o: TQueueOutlook | null): string {
  const what = `A practice run is free: ${p.practiceTrainImages.toLocaleString('en-US')} training images, ${p.practiceEpochs} epoch${p.practiceEpochs === 1 ? '' : 's'}, validation metrics only, after graded runs`;
  const left = o?.practiceLeft;
  const where = o ? ` (number ${o.practice.position} in the queue now)` : '';
  return `${what}${where}; ${left === null || left === undefined ? `${p.practiceDailyLimit} a day` : `${left} of ${p.practiceDailyLimit} left today`}.`;
}

/** The congestion banner: the wait is longer than the exercise's threshold. */
export function congestionText(o: TQueueOutlook): string {
  return `The graders are busy: a submission now would wait ${wait(o.graded.waitSeconds)} for a grader (more than ${durationText(
    o.congestionWaitSeconds,
  )}). A practice run shows the curves' shape sooner than a graded run finishes.`;
}
