import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, ArtifactKind, createPrismaClient, Prisma, SubmissionStatus, UserRole, type EpochPrismaClient } from '@epoch/db';
import { migrationsDir, schemaPath, throwawayDatabase } from './throwaway-db';

describe('the generated Prisma client through @prisma/adapter-pg', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let prisma: EpochPrismaClient;
  beforeAll(async () => {
    db = await throwawayDatabase();
    await applyMigrations({ databaseUrl: db.url, migrationsDir, schemaPath });
    prisma = createPrismaClient(db.url);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('creates and reads a user', async () => {
    const created = await prisma.user.create({
      data: { email: 'ada@example.com', name: 'Ada', role: UserRole.INSTRUCTOR, passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' },
    });
    const read = await prisma.user.findUnique({ where: { email: 'ada@example.com' } });
    expect(read).toMatchObject({ id: created.id, name: 'Ada', role: 'INSTRUCTOR', failedLogins: 0, lockedUntil: null });
  });

  it('stores a submission with its JSON, bytes and per-user idempotency key', async () => {
    const user = await prisma.user.create({ data: { email: 'sam@example.com', name: 'Sam', passwordHash: 'x' } });
    const course = await prisma.course.create({ data: { slug: 'c', title: 'C', description: 'D', enrollmentCode: 'CODE-2' } });
    const exercise = await prisma.exercise.create({
      data: {
        courseId: course.id,
        slug: 'ex',
        title: 'Ex',
        position: 1,
        instructions: '#',
        starterCode: '',
        solutionCode: '',
        policy: {
          create: {
            minTestAccuracy: 0.7,
            maxEpochs: 30,
            batchSize: 64,
            seed: 42,
            maxParams: 1_000_000,
            timeLimitSeconds: 3600,
            allowedLayers: ['Conv2D', 'Dense'],
          },
        },
      },
      include: { policy: true },
    });
    expect(exercise.policy?.allowedLayers).toEqual(['Conv2D', 'Dense']);
    expect(exercise.policy?.allowedOptimizers).toBeNull();

    const submission = await prisma.submission.create({
      data: {
        userId: user.id,
        exerciseId: exercise.id,
        source: 'model = ...',
        idempotencyKey: 'k1',
        policyVersion: 1,
        modelSpec: { layers: [] },
        status: SubmissionStatus.QUEUED,
      },
    });
    await prisma.artifact.create({
      data: {
        submissionId: submission.id,
        kind: ArtifactKind.ACCURACY_PLOT,
        name: 'accuracy.png',
        contentType: 'image/png',
        // Binary columns round-trip (artifacts from before the artifact store keep their bytes here until moved).
        bytes: new Uint8Array([137, 80, 78, 71]),
        size: 4,
        sha256: 'f'.repeat(64),
        storageKey: `sha256/ff/${'f'.repeat(64)}`,
      },
    });
    const loaded = await prisma.submission.findUniqueOrThrow({ where: { id: submission.id }, include: { artifacts: true } });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.modelSpec).toEqual({ layers: [] });
    expect([...loaded.artifacts[0]!.bytes!]).toEqual([137, 80, 78, 71]);

    const duplicate = await prisma.submission
      .create({
        data: { userId: user.id, exerciseId: exercise.id, source: 'again', idempotencyKey: 'k1', policyVersion: 1 },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');

    // Grades are not deleted along with their exercise.
    await expect(prisma.exercise.delete({ where: { id: exercise.id } })).rejects.toThrow();
  });
});
