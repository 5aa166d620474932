import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, createPrismaClient, DEMO_ACCOUNTS, verifyPassword, type EpochPrismaClient } from '@epoch/db';
import { createDatabase, dropDatabase, seedDemo } from '@epoch/cli';
import { root } from './helpers';

describe('demo seed (real Postgres)', () => {
  const name = `epoch_seed_${Date.now().toString(36)}`;
  let prisma: EpochPrismaClient;

  beforeAll(async () => {
    const url = await createDatabase(inject('pgAdminUrl'), name);
    await applyMigrations({ databaseUrl: url, migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma') });
    prisma = createPrismaClient(url);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await dropDatabase(inject('pgAdminUrl'), name);
  });

  it('creates the course, its ordered steps, three exercises with policies, and enrolled demo users', async () => {
    const report = await seedDemo(prisma, { exercisesDir: join(root, 'exercises') });
    expect(report.courseSlug).toBe('cifar10-intro');
    expect(report.created).toEqual({ users: DEMO_ACCOUNTS.length });
    expect(report.content).toEqual([
      expect.stringMatching(/^cifar10-intro: course created; lessons: 1 added; steps: 15 added; exercises: 3 added; files: \d+ added$/),
    ]);
    // The demo accounts are marked: production mode refuses to start while they keep these passwords.
    expect(await prisma.user.count({ where: { demoPassword: true } })).toBe(DEMO_ACCOUNTS.length);
    // Loaded through the content loader like any course: one recorded sync by the seed, figures stored with the course.
    expect(await prisma.contentSync.findMany({ select: { via: true, sourceKind: true } })).toEqual([{ via: 'seed', sourceKind: 'DIRECTORY' }]);
    expect(await prisma.courseAsset.count({ where: { path: 'figures/simple-cnn.svg' } })).toBe(1);

    const course = await prisma.course.findUniqueOrThrow({
      where: { slug: 'cifar10-intro' },
      include: { exercises: { orderBy: { position: 'asc' }, include: { policy: true } }, lessons: { include: { steps: { orderBy: { position: 'asc' } } } } },
    });
    expect(course.exercises.map((e) => e.slug)).toEqual(['cifar10-dense', 'cifar10-cnn', 'cifar10-model3']);
    const model3 = course.exercises[2]!;
    expect(model3.policy).toMatchObject({ minTestAccuracy: 0.7, requiredEpochs: 30, version: 1 });
    expect(model3.solutionCode).toMatch(/epochs\s*=\s*30/);
    // Its wrong variants for calibration, stored with their code (students never see them).
    expect((model3.calibrationVariants as { name: string; code: string }[]).map((v) => [v.name, /epochs\s*=\s*30/.test(v.code)])).toEqual([
      ['no-dropout', true],
      ['model2-30-epochs', true],
    ]);
    const steps = course.lessons.flatMap((l) => l.steps);
    expect(steps.length).toBe(report.steps);
    expect(steps.map((s) => s.position)).toEqual(steps.map((_, i) => i + 1));

    expect(await prisma.gradingPolicyChange.count()).toBe(3);
    const students = await prisma.enrollment.count({ where: { courseId: course.id, role: 'STUDENT' } });
    const instructors = await prisma.enrollment.count({ where: { courseId: course.id, role: 'INSTRUCTOR' } });
    expect([students, instructors]).toEqual([3, 1]);
    const admin = await prisma.user.findUniqueOrThrow({ where: { email: 'admin@epoch.test' } });
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(admin.passwordHash, 'admin-demo-pass')).toBe(true);
    expect(await verifyPassword(admin.passwordHash, 'wrong')).toBe(false);
  });

  it('is idempotent and never overwrites an admin-edited policy', async () => {
    const exercise = await prisma.exercise.findFirstOrThrow({ where: { slug: 'cifar10-model3' } });
    await prisma.gradingPolicy.update({ where: { exerciseId: exercise.id }, data: { minTestAccuracy: 0.75, version: 2 } });
    const counts = async () =>
      Promise.all([
        prisma.user.count(),
        prisma.lessonStep.count(),
        prisma.exercise.count(),
        prisma.enrollment.count(),
        prisma.gradingPolicy.count(),
        prisma.gradingPolicyChange.count(),
        prisma.contentSync.count(),
        prisma.lessonStepVersion.count(),
      ]);
    const before = await counts();
    const again = await seedDemo(prisma, { exercisesDir: join(root, 'exercises') });
    expect(again.created).toEqual({ users: 0 });
    expect(again.content).toEqual(['cifar10-intro: no change']);
    expect(await counts()).toEqual(before);
    const policy = await prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: exercise.id } });
    expect(policy).toMatchObject({ minTestAccuracy: 0.75, version: 2 });
  });
});
