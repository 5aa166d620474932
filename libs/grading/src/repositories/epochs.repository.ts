import type { EpochMetric } from '@epoch/db';
import type { TEpochView } from '@epoch/contracts';
import type { TDb, TRun } from '../lifecycle/lifecycle';

/**
 * A submission's epoch history, stored once: one EpochMetric row per trained epoch of each attempt. The live pages
 * read the current attempt's rows as they arrive; a result's history is the rows of the attempt that produced it.
 */
export interface TEpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
}

export const epochView = (m: Pick<EpochMetric, 'attempt' | 'epoch' | 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy' | 'seconds'>): TEpochView => ({
  attempt: m.attempt,
  epoch: m.epoch,
  loss: m.loss,
  accuracy: m.accuracy,
  valLoss: m.valLoss,
  valAccuracy: m.valAccuracy,
  seconds: m.seconds,
});

/** Records one trained epoch of a run (written again if the epoch is reported twice). */
export async function recordEpoch(db: TDb, run: TRun, e: TEpochRecord): Promise<void> {
  const row = { loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, seconds: e.seconds };
  await db.epochMetric.upsert({
    where: { submissionId_attempt_epoch: { submissionId: run.id, attempt: run.attempt, epoch: e.epoch } },
    create: { submissionId: run.id, attempt: run.attempt, epoch: e.epoch, ...row },
    update: row,
  });
}

/** The epochs of one attempt, in order. */
export async function attemptEpochs(db: TDb, submissionId: string, attempt: number): Promise<TEpochView[]> {
  const rows = await db.epochMetric.findMany({ where: { submissionId, attempt }, orderBy: { epoch: 'asc' } });
  return rows.map(epochView);
}

/** Epochs of the latest attempt after `after` (attempt, epoch): what a live view has not seen yet. */
export async function latestEpochs(db: TDb, submissionId: string, after?: { attempt: number; epoch: number }): Promise<TEpochView[]> {
  const last = await db.epochMetric.findFirst({ where: { submissionId }, orderBy: [{ attempt: 'desc' }], select: { attempt: true } });
  if (!last) return [];
  if (after && after.attempt > last.attempt) return [];
  const rows = await db.epochMetric.findMany({
    where: { submissionId, attempt: last.attempt, ...(after && after.attempt === last.attempt ? { epoch: { gt: after.epoch } } : {}) },
    orderBy: { epoch: 'asc' },
  });
  return rows.map(epochView);
}
