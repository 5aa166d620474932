import { isFinalStatus, type TRunKind, type TSubmissionStatus } from '@epoch/contracts';

export type TTone = 'wait' | 'run' | 'pass' | 'fail' | 'neutral';

/**
 * A submission's status in words, with the colour family the page shows it in. `pendingSeed`: best-of-k trains the
 * result again with another seed, so a FAILED verdict may still turn into a pass.
 */
export function statusLabel(status: TSubmissionStatus, kind: TRunKind = 'GRADED', pendingSeed = false): { text: string; tone: TTone } {
  // A practice run has no verdict: the API shows it finished as GRADED.
  if (kind === 'PRACTICE' && status === 'GRADED') return { text: 'Practice run finished', tone: 'neutral' };
  if (pendingSeed && status === 'FAILED') return { text: 'Not passed yet: another seed is training', tone: 'wait' };
  switch (status) {
    case 'RECEIVED':
      return { text: 'Received', tone: 'wait' };
    case 'QUEUED':
      return { text: 'Queued', tone: 'wait' };
    case 'RUNNING':
      return { text: 'Training', tone: 'run' };
    case 'PASSED':
      return { text: 'Passed', tone: 'pass' };
    case 'FAILED':
      return { text: 'Failed', tone: 'fail' };
    case 'GRADED':
      return { text: 'Graded (result shown after the deadline)', tone: 'neutral' };
    case 'REJECTED':
      return { text: 'Rejected', tone: 'fail' };
    case 'ERROR':
      return { text: 'Error', tone: 'fail' };
    case 'CANCELLED':
      return { text: 'Cancelled', tone: 'neutral' };
  }
}

/** Whether grading has ended (the lifecycle's definition, from @epoch/contracts). */
export const isFinal: (status: TSubmissionStatus) => boolean = isFinalStatus;
