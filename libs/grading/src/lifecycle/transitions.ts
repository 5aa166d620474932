import { canTransition, type TSubmissionState } from '@epoch/contracts';

/** A status change the lifecycle table (SUBMISSION_TRANSITIONS in @epoch/contracts) does not allow. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: TSubmissionState,
    readonly to: TSubmissionState,
  ) {
    super(`a submission cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Throws IllegalTransitionError unless every `from` may become `to`. */
export function assertTransitions(from: readonly TSubmissionState[], to: TSubmissionState): void {
  for (const f of from) if (!canTransition(f, to)) throw new IllegalTransitionError(f, to);
}
