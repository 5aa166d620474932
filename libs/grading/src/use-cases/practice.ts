import type { TGradingPolicy, TModelSpec } from '@epoch/contracts';

/**
 * What a practice run trains: the exercise's seeded training subset cut to practiceTrainImages (never more than the
 * exercise's own limitTrain) for practiceEpochs epochs, instead of the student's epochs. The one place the grader and
 * the submit use case take a practice run's training from.
 */
export function practiceTraining(policy: Pick<TGradingPolicy, 'practiceTrainImages' | 'practiceEpochs' | 'limitTrain'>): {
  limitTrain: number;
  epochs: number;
} {
  return { limitTrain: Math.min(policy.practiceTrainImages, policy.limitTrain ?? Infinity), epochs: policy.practiceEpochs };
}

/**
 * The policy and spec a practice run trains under: the practice subset and epochs (the exercise's required epochs do
 * not apply: practice runs its own number); everything else (seed, batch size, time limit, cost limits) as graded.
 */
export function practiceRun<P extends TGradingPolicy>(policy: P, spec: TModelSpec): { policy: P; spec: TModelSpec } {
  const t = practiceTraining(policy);
  return { policy: { ...policy, limitTrain: t.limitTrain, requiredEpochs: null }, spec: { ...spec, epochs: t.epochs } };
}
