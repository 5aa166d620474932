/**
 * A training child: the process in which the grader trains one submission's model, and nothing else. The supervisor
 * (child/training-child.ts) forks it with a memory limit, sends `init` (backend, data) and, when a job comes, one
 * `grade`; the child streams phases, batches and epochs back and ends with `graded`, `rejected` or `failed`. It never
 * touches the database or the queue, and it is never reused: whatever a model does to the engine (a corrupted wasm
 * heap, a leak, a spinning kernel) dies with it.
 */
import { loadCifar10 } from '@epoch/datasets';
import { CIFAR10_CLASS_NAMES } from '@epoch/datasets';
import { gradeModel, GradingRejection, selectBackend, syntheticImages, tinyCnnSpec, type TGradeData, type TGradeHooks } from '@epoch/trainer';
import { ZParentMessage, type TChildGrade, type TChildMessage, type TDataSource, type TParentMessage } from './protocol';

const send = (m: TChildMessage): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('train-child: no IPC channel (it is started by the grader, not directly)'));
    process.send(m, undefined, {}, (e) => (e ? reject(e) : resolve()));
  });

const detail = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The last word: sent, then the child exits (the supervisor also ends it as soon as it has read this). */
async function finish(m: TChildMessage): Promise<never> {
  await send(m).catch(() => undefined);
  process.exit(0);
}

let data: { key: string; value: Promise<TGradeData> } | null = null;
const loadData = (source: TDataSource): Promise<TGradeData> => {
  const key = JSON.stringify(source);
  // The grader prepared and verified this cache (checksums included) before any job: sizes and layout suffice here.
  if (data?.key !== key) data = { key, value: loadCifar10({ ...source, checksums: false }) };
  return data.value;
};

/**
 * Grades a tiny fixed model on synthetic images once, before any job: a fresh process runs its first training, plots
 * and weight export slowly (nothing compiled yet), and this way the job does not pay for it. Every random choice of
 * the pipeline is seeded, so a job's results do not depend on it.
 */
async function warmUp(): Promise<void> {
  const images = syntheticImages(32, 1, 32);
  const spec = { ...tinyCnnSpec(), inputShape: [32, 32, 3], epochs: 1 };
  await gradeModel(
    spec,
    { epochs: 1, batchSize: 16, seed: 1, maxParams: 1_000_000 },
    { train: images, validation: images, test: images, classNames: CIFAR10_CLASS_NAMES },
  );
}

async function init(m: Extract<TParentMessage, { type: 'init' }>): Promise<void> {
  let backend;
  try {
    backend = await selectBackend({ ...(m.backend ? { backend: m.backend } : {}), ...(m.threads ? { threads: m.threads } : {}) });
  } catch (e) {
    return finish({ type: 'failed', stage: 'init', message: `the training backend did not start: ${detail(e)}` });
  }
  try {
    await warmUp();
  } catch (e) {
    return finish({ type: 'failed', stage: 'init', message: `the training backend cannot train: ${detail(e)}` });
  }
  let dataLoaded = false;
  if (m.data) {
    try {
      await loadData(m.data);
      dataLoaded = true;
    } catch (e) {
      // Not fatal here: the job loads it again and reports the failure there.
      data = null;
      process.stderr.write(`train-child: could not load the data in advance: ${detail(e)}\n`);
    }
  }
  await send({ type: 'ready', backend, dataLoaded });
}

async function grade(m: TChildGrade): Promise<never> {
  let set: TGradeData;
  try {
    set = await loadData(m.data);
  } catch (e) {
    return finish({ type: 'failed', stage: 'data', message: `could not load the data: ${detail(e)}` });
  }
  // Progress messages are sent as they come (the channel keeps their order); a failed send means the supervisor is gone.
  const post = (msg: TChildMessage) => {
    send(msg).catch(() => process.exit(1));
  };
  const hooks: TGradeHooks = {
    everyNBatches: m.everyNBatches,
    onPhase: (phase) => post({ type: 'phase', phase }),
    onBatch: (progress) => post({ type: 'batch', progress: { ...progress } }),
    onEpoch: (stats) => post({ type: 'epoch', stats: { ...stats } }),
  };
  try {
    const g = await gradeModel(m.spec, m.settings, set, hooks);
    const { count, testAccuracy, testLoss, perClassAccuracy, confusionMatrix, heldOut } = g.evaluation;
    return await finish({
      type: 'graded',
      result: {
        paramCount: g.paramCount,
        history: g.history,
        evaluation: { count, testAccuracy, testLoss, perClassAccuracy, confusionMatrix, ...(heldOut ? { heldOut } : {}) },
        artifacts: g.artifacts,
        trainingMs: g.trainingMs,
        evaluationMs: g.evaluationMs,
        trainImagesPerSecond: g.trainImagesPerSecond,
      },
    });
  } catch (e) {
    if (e instanceof GradingRejection) return finish({ type: 'rejected', status: e.status, message: e.message, outOfMemory: e.outOfMemory });
    return finish({ type: 'failed', stage: 'grade', message: detail(e) });
  }
}

let busy = false;
process.on('message', (raw: unknown) => {
  const parsed = ZParentMessage.safeParse(raw);
  if (!parsed.success) {
    void finish({ type: 'failed', stage: 'init', message: `train-child: bad message from the grader: ${parsed.error.issues[0]?.message ?? ''}` });
    return;
  }
  const m = parsed.data;
  if (busy && m.type === 'grade') {
    void finish({ type: 'failed', stage: 'grade', message: 'train-child: a second job was sent to the same child' });
    return;
  }
  if (m.type === 'grade') busy = true;
  (m.type === 'init' ? init(m) : grade(m)).catch((e: unknown) => finish({ type: 'failed', stage: m.type === 'init' ? 'init' : 'grade', message: detail(e) }));
});
// The grader went away (it died or closed the channel): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
