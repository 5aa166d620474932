import { hostname } from 'node:os';
import { z } from 'zod';

/** The grader's environment, validated once at boot (see the README's configuration table). */
export const ZGraderConfig = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  EPOCH_WORKER_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  EPOCH_TRAINING_BACKEND: z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type TGraderConfig = z.infer<typeof ZGraderConfig>;

export class GraderConfigError extends Error {}

export function loadGraderConfig(env: NodeJS.ProcessEnv = process.env): TGraderConfig {
  const r = ZGraderConfig.safeParse(env);
  if (r.success) return r.data;
  throw new GraderConfigError(`grader: invalid configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}
