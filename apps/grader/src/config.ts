import { hostname } from 'node:os';
import { z } from 'zod';
import { ARTIFACT_STORE_ENV } from '@epoch/artifacts';
import { DEFAULT_GPU_MIN_WORK_MACS } from '@epoch/grading';
import { BACKEND_ORDER } from '@epoch/trainer';

/** The grader's environment, validated once at boot (see the README's configuration table). */
export const ZGraderConfig = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  EPOCH_WORKER_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** Force a training backend instead of the first that works (see libs/trainer). */
  EPOCH_BACKEND: z.enum(BACKEND_ORDER).optional(),
  /** wasm threads (default: the number of CPU cores; 1 = single-threaded binary). */
  EPOCH_WASM_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the CIFAR-10 cache lives (`$EPOCH_DATA_DIR/cifar10`); read by @epoch/datasets, validated here at boot. */
  EPOCH_DATA_DIR: z.string().min(1).optional(),
  /** Port of the Prometheus `/metrics` (and `/healthz`) endpoint; unset: no metrics server. */
  EPOCH_GRADER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** CIFAR-10 source (archive or folder); unset: the cache under EPOCH_DATA_DIR, else the official download. */
  EPOCH_CIFAR10: z.string().min(1).optional(),
  /** BullMQ key prefix; the API must use the same one. */
  EPOCH_QUEUE_PREFIX: z.string().min(1).default('bull'),
  /** Training jobs at once in this process (tfjs trains one model at a time well; scale with more processes). */
  EPOCH_GRADER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  /** BullMQ lock of a running job; a worker killed mid-job loses it after this long and its job is taken over. */
  EPOCH_GRADER_LOCK_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  /** How often BullMQ looks for stalled jobs (jobs whose worker died). */
  EPOCH_GRADER_STALLED_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  /** How often the reconciler re-enqueues QUEUED submissions missing from the queue; 0 turns it off. */
  EPOCH_GRADER_RECONCILE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** A QUEUED submission younger than this is left to its producer (which may be enqueueing it right now). */
  EPOCH_GRADER_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** How often a running job looks whether its submission was cancelled. */
  EPOCH_GRADER_CANCEL_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /**
   * Queues this grader takes jobs from: `auto` (GPU queue first, then the general one, on a GPU backend; the general
   * queue elsewhere), or `gpu`, `general`, `gpu,general`. With two, a job from either pauses the other.
   */
  EPOCH_GRADER_QUEUES: z
    .string()
    .regex(/^(auto|(gpu|general)(\s*,\s*(gpu|general))?)$/, 'auto, gpu, general, or gpu,general')
    .default('auto'),
  /** The reconciler routes re-enqueued jobs this heavy (multiply-accumulates) to the GPU queue while a GPU grader is alive. */
  EPOCH_GPU_MIN_WORK_MACS: z.coerce.number().min(0).default(DEFAULT_GPU_MIN_WORK_MACS),
  /** Where the plots and weights of graded submissions go (the same store as the API's). */
  ...ARTIFACT_STORE_ENV,
  /**
   * Memory of one training run (MiB): the training child's V8 heap limit and the most resident memory the grader lets
   * it reach before it ends it ("the model needed more than ... of memory", the student's). The wasm backend's own
   * memory is at most 4 GiB whatever this says.
   */
  EPOCH_GRADER_MEMORY_MB: z.coerce.number().int().min(256).max(1_048_576).default(4096),
  /**
   * Address-space limit of the training child (MiB, `prlimit --as`, from util-linux); unset: none. A hard stop for the
   * native backends' own allocations; the wasm backend reserves about 48 GiB of address space up front (guard regions
   * of its WebAssembly memories), so with wasm it must be far above that to let it start at all.
   */
  EPOCH_GRADER_ADDRESS_SPACE_MB: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1 << 30)
    .optional(),
  /**
   * Keep one training child started (backend up, data loaded) for the next job, so a job does not wait for a process
   * to start (about 1-2 s of CPU each); `false` starts each job's child when the job comes, and saves its memory.
   */
  EPOCH_GRADER_SPARE_CHILD: z
    .enum(['true', 'false'], { message: 'true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  /** Job progress is reported every this many batches (and after every epoch). */
  EPOCH_GRADER_PROGRESS_BATCHES: z.coerce.number().int().min(1).max(100_000).default(200),
});
export type TGraderConfig = z.infer<typeof ZGraderConfig>;

export class GraderConfigError extends Error {}

export function loadGraderConfig(env: NodeJS.ProcessEnv = process.env): TGraderConfig {
  const r = ZGraderConfig.safeParse(env);
  if (r.success) return r.data;
  throw new GraderConfigError(`grader: invalid configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}
