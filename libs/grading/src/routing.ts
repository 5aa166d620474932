import type { TQueueKind } from './queues';

/** Default: models whose grading takes at least this many multiply-accumulates go to the GPU queue (model3 for 30 epochs is ~1.9e13; the dense network for 10 epochs ~1.1e12). */
export const DEFAULT_GPU_MIN_WORK_MACS = 5e12;

/**
 * Which queue a submission goes to: the GPU queue when a grader serving it is alive and the job is heavy enough to be
 * worth it (its estimated work is at least `gpuMinWorkMacs`; 0 sends every job there); the general queue otherwise, so
 * nothing waits for a GPU that is not there. A job without an estimate is not heavy.
 */
export function chooseQueue(o: { workMacs: number | null; gpuWorkers: number; gpuMinWorkMacs: number }): TQueueKind {
  return o.gpuWorkers > 0 && o.workMacs !== null && o.workMacs >= o.gpuMinWorkMacs ? 'gpu' : 'general';
}

/**
 * The queues a grader serves: `auto` is the GPU queue first and then the general one on a GPU backend, the general
 * queue alone elsewhere; or an explicit comma-separated list (`gpu`, `general`, `gpu,general`).
 */
export function servedQueues(setting: string, backend: string): TQueueKind[] {
  if (setting === 'auto') return backend === 'node-gpu' ? ['gpu', 'general'] : ['general'];
  const kinds = [...new Set(setting.split(',').map((s) => s.trim()))];
  const bad = kinds.find((k) => k !== 'gpu' && k !== 'general');
  if (bad !== undefined || kinds.length === 0)
    throw new Error(`EPOCH_GRADER_QUEUES: "${bad ?? setting}" is not auto, gpu, general or a comma-separated list of them`);
  return kinds as TQueueKind[];
}
