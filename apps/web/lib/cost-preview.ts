import { gradingWork, type TCheckCost } from '@epoch/contracts';
import { bytes, si } from '@epoch/model-spec';

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * The editor's cost preview, before Submit: what training the model costs against the exercise's limits, and how
 * long the graders serving the exercise would take now (the estimate the queue's ETA uses: the model's work at the
 * throughput of the recent graded jobs). Rows of [label, value].
 */
export function costPreview(
  cost: TCheckCost | null | undefined,
  epochs: number | undefined,
  policy: { maxTrainingMacs: number; maxActivationMiB: number; limitTrain: number | null; limitTest: number | null },
  graders: { alive: number; macsPerSecond: number | null },
): [string, string][] {
  if (!cost || epochs === undefined) return [];
  const share = (used: number, limit: number) => `${Math.max(used / limit < 0.01 ? 0 : 1, Math.round((100 * used) / limit))}%`;
  const rows: [string, string][] = [
    ['Multiply-adds per image', si(cost.forwardMacs)],
    ['Training work', `${si(cost.trainingMacs)} (${share(cost.trainingMacs, policy.maxTrainingMacs)} of the ${si(policy.maxTrainingMacs)} allowed)`],
    [
      'Activations per batch',
      `${bytes(cost.activationBytes)} for ${cost.batchSize} images (${share(cost.activationBytes, policy.maxActivationMiB * 1024 * 1024)} of the limit)`,
    ],
  ];
  const work = gradingWork({ forwardMacs: cost.forwardMacs, epochs, limitTrain: policy.limitTrain, limitTest: policy.limitTest });
  let time: string;
  if (graders.alive === 0) time = 'no grader is running now';
  else if (graders.macsPerSecond === null) time = 'not known yet (no grader has finished a job)';
  else time = `about ${duration(work / graders.macsPerSecond)} on the ${graders.alive === 1 ? 'grader' : `${graders.alive} graders`} serving now`;
  rows.push(['Estimated training time', time]);
  return rows;
}
