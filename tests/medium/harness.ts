import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { FsArtifactStore } from '@epoch/artifacts';
import { closeGradingQueues, openGradingQueues, type TGradingDeps } from '@epoch/grading';
import { createPrismaClient, policyColumns, type EpochPrismaClient } from '@epoch/db';
import { ZGradingPolicy, type TGradingPolicy, type TGradingPolicyInput } from '@epoch/contracts';

/**
 * The medium test tier: use cases run in-process against the real Postgres, each test file on a fresh database copied
 * from the run's migrated template (CREATE DATABASE ... TEMPLATE takes a fraction of a second), so files never see each
 * other's rows and nothing is mocked. No API or grader process is started: these tests call the use cases directly.
 */
export interface TMediumDb {
  url: string;
  prisma: EpochPrismaClient;
  drop: () => Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file (call in beforeAll, `drop` in afterAll). */
export async function freshDatabase(): Promise<TMediumDb> {
  const name = `epoch_medium_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}" TEMPLATE "${inject('templateDatabase')}"`);
  const u = new URL(inject('pgAdminUrl'));
  u.pathname = `/${name}`;
  const url = u.toString();
  const prisma = createPrismaClient(url, { maxConnections: 4 });
  return {
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * The grading use cases' dependencies for a medium test file: its database, the run's Redis with queues under a prefix
 * of the file's own, a throwaway artifact store. `close` empties and closes the queues and the Redis connection.
 */
export function mediumGradingDeps(db: TMediumDb, name: string): { deps: TGradingDeps; close: () => Promise<void> } {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  const prefix = `${inject('redisPrefix')}-medium-${name}-${Date.now()}`;
  const deps: TGradingDeps = {
    prisma: db.prisma,
    queues: openGradingQueues(redis, prefix),
    redis,
    queuePrefix: prefix,
    gpuMinWorkMacs: 5e12,
    log: pino({ level: 'silent' }),
    rejectedLimit: { max: 1000, windowSeconds: 60 },
    artifacts: new FsArtifactStore(mkdtempSync(join(tmpdir(), `epoch-medium-${name}-`))),
  };
  return {
    deps,
    close: async () => {
      for (const q of Object.values(deps.queues)) await q.obliterate({ force: true }).catch(() => undefined);
      await closeGradingQueues(deps.queues);
      redis.disconnect();
    },
  };
}

/** The smallest valid stored ModelSpec, for submissions a medium test writes through the lifecycle (never trained). */
export const TINY_SPEC = {
  inputShape: [32, 32, 3],
  layers: [],
  epochs: 1,
  batchSize: 64,
  optimizer: { name: 'adam', learningRate: 0.001 },
  loss: 'categorical_crossentropy',
};

export interface TClassFixture {
  courseId: string;
  courseSlug: string;
  exerciseId: string;
  exerciseSlug: string;
  policy: TGradingPolicy;
  admin: { id: string; email: string };
  instructor: { id: string; email: string };
  students: { id: string; email: string }[];
}

let fixtureCounter = 0;

/**
 * A course with one exercise under `policy`, an admin, an instructor enrolled as such, and `students` enrolled
 * students. Every name is unique within the database, so a file may create several classes.
 */
export async function createClass(prisma: EpochPrismaClient, opts: { policy?: Partial<TGradingPolicyInput>; students?: number } = {}): Promise<TClassFixture> {
  const n = ++fixtureCounter;
  const tag = `${n}-${randomBytes(3).toString('hex')}`;
  const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.5, dailyQuota: null, ...opts.policy });
  const user = (role: 'ADMIN' | 'INSTRUCTOR' | 'STUDENT', name: string) =>
    prisma.user.create({ data: { email: `${name}-${tag}@epoch.test`, name: `${name} ${tag}`, role, passwordHash: 'not-a-real-hash' } });
  const adminUser = await user('ADMIN', 'admin');
  const instructor = await user('INSTRUCTOR', 'instructor');
  const students = [];
  for (let i = 0; i < (opts.students ?? 2); i++) students.push(await user('STUDENT', `student${i + 1}`));
  const course = await prisma.course.create({
    data: { slug: `course-${tag}`, title: `Course ${tag}`, description: 'medium tier', enrollmentCode: `C${tag}`.toUpperCase() },
  });
  await prisma.enrollment.createMany({
    data: [
      { userId: instructor.id, courseId: course.id, role: 'INSTRUCTOR' as const },
      ...students.map((s) => ({ userId: s.id, courseId: course.id, role: 'STUDENT' as const })),
    ],
  });
  const exercise = await prisma.exercise.create({
    data: {
      courseId: course.id,
      slug: `exercise-${tag}`,
      title: `Exercise ${tag}`,
      position: 1,
      instructions: 'medium tier',
      starterCode: '',
      solutionCode: '',
      policy: { create: policyColumns(policy) },
    },
  });
  const pick = (u: { id: string; email: string }) => ({ id: u.id, email: u.email });
  return {
    courseId: course.id,
    courseSlug: course.slug,
    exerciseId: exercise.id,
    exerciseSlug: exercise.slug,
    policy,
    admin: pick(adminUser),
    instructor: pick(instructor),
    students: students.map(pick),
  };
}
