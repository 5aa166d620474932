import type { Redis } from 'ioredis';
import type { TArtifactStore } from '@epoch/artifacts';
import type { EpochPrismaClient } from '@epoch/db';
import type { TGradingQueues } from './queues';

/** What the grading use cases need from their host (the API, a job, the CLI): the database, the queues and Redis. */
export interface TGradingDeps {
  prisma: EpochPrismaClient;
  queues: TGradingQueues;
  /** Redis with the graders' heartbeats, and their key prefix (the queues' prefix). */
  redis: Redis;
  queuePrefix: string;
  /** Jobs at least this heavy (estimated multiply-accumulates) go to the GPU queue while a grader serves it. */
  gpuMinWorkMacs: number;
  log: { warn: (obj: object, msg?: string) => void; info: (obj: object, msg?: string) => void };
  /** Where artifact bytes live (plots, weights): read by the artifact endpoint. */
  artifacts: TArtifactStore;
  /** Rejected submissions one user may make per window (they are free of quota, not of the API's time). */
  rejectedLimit: { max: number; windowSeconds: number };
}
