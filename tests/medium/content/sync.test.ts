import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lessonStep } from '@epoch/accounts';
import { syncContent, type TSyncOptions } from '@epoch/content';
import { tarGz, zip, courseTree } from '@epoch/content/testing';
import { DomainError, ZGradingPolicy, type TContentSyncReport } from '@epoch/contracts';
import { changePolicy } from '@epoch/grading';
import { policyFromRow } from '@epoch/db';
import { freshDatabase, type TMediumDb } from '../harness';

/** A small course as files, written into `dir` (edits go through `write`). */
async function writeCourse(dir: string, opts: { slug?: string; exercises?: string[] } = {}) {
  const write = async (rel: string, text: string) => {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), text);
  };
  const exercises = opts.exercises ?? ['model3', 'dense'];
  await write(
    'course.yaml',
    [
      `slug: ${opts.slug ?? 'spring'}`,
      'title: Spring term',
      'description: A real class.',
      'lessons:',
      '  - slug: basics',
      '    title: Basics',
      '    steps: [01-intro.md, 02-more.md]',
      `exercises: [${exercises.join(', ')}]`,
      '',
    ].join('\n'),
  );
  await write('steps/01-intro.md', '# Intro\n\nHello.\n\n![A figure](figures/a.svg)\n');
  await write('steps/02-more.md', '# More\n\nText.\n');
  await write('figures/a.svg', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n');
  for (const e of exercises) {
    await write(`${e}/exercise.yaml`, [`slug: ${e}`, `title: Exercise ${e}`, 'instructions: Do it.', 'policy:', '  minTestAccuracy: 0.5', ''].join('\n'));
    await write(`${e}/starter.py`, 'model = None\n');
    await write(`${e}/solution.py`, 'model.fit(train_data, epochs=1)\n');
  }
  return write;
}

describe('content sync (the one loader) against Postgres', () => {
  let db: TMediumDb;
  let work: string;
  let dir: string;
  let write: Awaited<ReturnType<typeof writeCourse>>;
  let adminId: string;
  const sync = (o: Partial<TSyncOptions> = {}) =>
    syncContent(db.prisma, { kind: 'DIRECTORY', path: dir }, { actorId: null, via: 'cli (test)', dryRun: false, allowCreate: true, ...o }).then((r) => r[0]!);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e as DomainError,
    );
  /** Everything a sync could write, to prove a refused or dry run wrote nothing. */
  const snapshot = () =>
    Promise.all([
      db.prisma.course.findMany({ orderBy: { slug: 'asc' } }),
      db.prisma.lessonStep.findMany({ orderBy: { id: 'asc' } }),
      db.prisma.lessonStepVersion.count(),
      db.prisma.exercise.findMany({ orderBy: { id: 'asc' } }),
      db.prisma.gradingPolicy.findMany({ orderBy: { id: 'asc' } }),
      db.prisma.courseAsset.count(),
      db.prisma.contentSync.count(),
      db.prisma.auditLog.count(),
    ]);

  beforeAll(async () => {
    db = await freshDatabase();
    adminId = (await db.prisma.user.create({ data: { email: 'admin@sync.test', name: 'Ada', role: 'ADMIN', passwordHash: 'x' } })).id;
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'epoch-sync-'));
    dir = join(work, 'spring');
    write = await writeCourse(dir);
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('creates a course on the first sync, records the source and who synced, and is a no-op the second time', async () => {
    const first = await sync();
    expect(first).toMatchObject({
      dryRun: false,
      unchanged: false,
      course: { slug: 'spring', created: true },
      steps: { added: [{ slug: 'intro' }, { slug: 'more' }] },
      exercises: { added: [{ slug: 'model3' }, { slug: 'dense' }] },
      assets: { added: ['figures/a.svg'] },
      source: { kind: 'DIRECTORY', revision: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(first.policies.map((p) => [p.exercise, p.action])).toEqual([
      ['model3', 'created'],
      ['dense', 'created'],
    ]);
    const course = await db.prisma.course.findUniqueOrThrow({ where: { slug: 'spring' } });
    expect(course.enrollmentCode).toMatch(/^[0-9A-F]{12}$/);
    const stored = await db.prisma.contentSync.findUniqueOrThrow({ where: { id: first.syncId! } });
    expect(stored).toMatchObject({ courseId: course.id, via: 'cli (test)', sourceKind: 'DIRECTORY', revision: first.source.revision });
    expect(await db.prisma.auditLog.count({ where: { action: 'content.sync', entityId: course.id } })).toBe(1);
    const again = await sync();
    expect(again).toMatchObject({ unchanged: true, syncId: null });
    expect(await db.prisma.contentSync.count({ where: { courseId: course.id } })).toBe(1);
  });

  it('shows added, changed and removed steps and exercises in a dry run that writes nothing, then applies exactly that', async () => {
    await sync();
    await writeCourse(dir, { exercises: ['model3', 'cnn'] });
    await write('steps/02-more.md', '# More, revised\n\nNew text.\n');
    await write('steps/03-new.md', '# New\n\nAdded.\n');
    await write(
      'course.yaml',
      [
        'slug: spring',
        'title: Spring term',
        'description: A real class.',
        'lessons:',
        '  - slug: basics',
        '    title: Basics',
        '    steps: [02-more.md, 03-new.md]',
        'exercises: [model3, cnn]',
        '',
      ].join('\n'),
    );
    await write('model3/starter.py', 'model = None  # start here\n');
    // A submission of the exercise about to be removed: it must survive the sync.
    const dense = await db.prisma.exercise.findFirstOrThrow({ where: { slug: 'dense', course: { slug: 'spring' } } });
    const student = await db.prisma.user.create({ data: { email: 's@sync.test', name: 'S', role: 'STUDENT', passwordHash: 'x' } });
    await db.prisma.submission.create({ data: { userId: student.id, exerciseId: dense.id, source: 'x', idempotencyKey: 'k1', policyVersion: 1 } });

    const before = await snapshot();
    const preview = await sync({ dryRun: true });
    expect(await snapshot()).toEqual(before);
    const shape = (r: TContentSyncReport) => ({
      steps: {
        added: r.steps.added.map((s) => s.slug),
        changed: r.steps.changed.map((s) => [s.slug, s.fields, s.version]),
        removed: r.steps.removed.map((s) => s.slug),
      },
      exercises: {
        added: r.exercises.added.map((e) => e.slug),
        changed: r.exercises.changed.map((e) => [e.slug, e.fields]),
        removed: r.exercises.removed.map((e) => [e.slug, e.submissions]),
      },
    });
    expect(shape(preview)).toEqual({
      steps: { added: ['new'], changed: [['more', ['title', 'body', 'position'], 2]], removed: ['intro'] },
      exercises: { added: ['cnn'], changed: [['model3', ['starterCode']]], removed: [['dense', 1]] },
    });
    expect(preview).toMatchObject({ dryRun: true, syncId: null });

    const applied = await sync();
    expect(shape(applied)).toEqual(shape(preview));
    // The removed exercise is archived with its submission; the removed step is hidden but its text stays readable.
    expect(await db.prisma.exercise.findUniqueOrThrow({ where: { id: dense.id } })).toMatchObject({ removedAt: expect.any(Date) });
    expect(await db.prisma.submission.count({ where: { exerciseId: dense.id } })).toBe(1);
    const old = await lessonStep(db.prisma, { courseSlug: 'spring', lessonSlug: 'basics', stepSlug: 'more', version: 1 });
    expect(old).toMatchObject({ title: 'More', body: 'Text.\n', version: 1, latestVersion: 2 });
    expect(await lessonStep(db.prisma, { courseSlug: 'spring', lessonSlug: 'basics', stepSlug: 'more' })).toMatchObject({ title: 'More, revised', version: 2 });
    expect(await lessonStep(db.prisma, { courseSlug: 'spring', lessonSlug: 'basics', stepSlug: 'intro', version: 1 })).toMatchObject({ removed: true });
    await expect(lessonStep(db.prisma, { courseSlug: 'spring', lessonSlug: 'basics', stepSlug: 'intro' })).rejects.toThrow(/no step "intro"/);
    const version2 = await db.prisma.lessonStepVersion.findFirstOrThrow({ where: { version: 2, step: { slug: 'more' } } });
    expect(version2.syncId).toBe(applied.syncId);
  });

  it('lets a second course have an exercise with the same slug', async () => {
    await sync();
    const other = join(work, 'autumn');
    await writeCourse(other, { slug: 'autumn' });
    const [r] = await syncContent(db.prisma, { kind: 'DIRECTORY', path: other }, { actorId: null, via: 'cli (test)', dryRun: false, allowCreate: true });
    expect(r!.exercises.added.map((e) => e.slug)).toEqual(['model3', 'dense']);
    const both = await db.prisma.exercise.findMany({ where: { slug: 'model3' }, include: { course: true } });
    expect(both.map((e) => e.course.slug).sort()).toEqual(['autumn', 'spring']);
  });

  it("stores an exercise's calibration variants with their code, reports a changed one, and refuses one that fails the checks", async () => {
    await sync();
    const model3 = () => db.prisma.exercise.findFirstOrThrow({ where: { slug: 'model3', course: { slug: 'spring' } } });
    expect((await model3()).calibrationVariants).toEqual([]);
    const MODEL = [
      'from tensorflow.keras import Sequential',
      'from tensorflow.keras.layers import Input, Flatten, Dense, Dropout',
      "model = Sequential([Input((32, 32, 3)), Flatten(), Dropout(0.5), Dense(10, activation='softmax')])",
      "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])",
      'model.fit(train_data, epochs=1)',
      '',
    ].join('\n');
    const WRONG = MODEL.replace('Dropout(0.5), ', '');
    await write('model3/solution.py', MODEL);
    await write('model3/variants/no-dropout.py', WRONG);
    await write(
      'model3/exercise.yaml',
      [
        'slug: model3',
        'title: Exercise model3',
        'instructions: Do it.',
        'policy:',
        '  minTestAccuracy: 0.5',
        'calibrationVariants:',
        '  - name: no-dropout',
        '    file: variants/no-dropout.py',
        '    description: Without dropout.',
        '',
      ].join('\n'),
    );
    const added = await sync();
    expect(added.exercises.changed.map((e) => [e.slug, e.fields])).toEqual([['model3', ['solutionCode', 'calibrationVariants']]]);
    expect((await model3()).calibrationVariants).toEqual([
      { name: 'no-dropout', file: 'variants/no-dropout.py', description: 'Without dropout.', code: WRONG },
    ]);
    // Stored as jsonb (its own key order), the same variants compare equal: nothing to do.
    expect(await sync()).toMatchObject({ unchanged: true });

    await write('model3/variants/no-dropout.py', WRONG.replace('epochs=1', 'epochs=2'));
    const changed = await sync();
    expect(changed.exercises.changed.map((e) => [e.slug, e.fields])).toEqual([['model3', ['calibrationVariants']]]);
    expect(((await model3()).calibrationVariants as { code: string }[])[0]!.code).toContain('epochs=2');

    await write('model3/variants/no-dropout.py', 'model = Sequential([\n');
    const before = await snapshot();
    const e = await refusal(sync());
    expect(e).toMatchObject({ kind: 'invalid', code: 'invalid_content' });
    expect(e!.message).toMatch(/^spring\/model3\/variants\/no-dropout\.py: line 1: .*\(calibration variant "no-dropout" must pass the exercise's checks/);
    expect(await snapshot()).toEqual(before);
  });

  it("applies the files' policy change when nobody edited it, re-deciding stored results, and keeps an admin's edit unless told", async () => {
    await sync();
    const model3 = await db.prisma.exercise.findFirstOrThrow({ where: { slug: 'model3', course: { slug: 'spring' } }, include: { policy: true } });
    const student = await db.prisma.user.create({ data: { email: 'p@sync.test', name: 'P', role: 'STUDENT', passwordHash: 'x' } });
    await db.prisma.submission.create({
      data: {
        userId: student.id,
        exerciseId: model3.id,
        source: 'x',
        idempotencyKey: 'k2',
        policyVersion: 1,
        status: 'PASSED',
        result: {
          create: {
            testAccuracy: 0.55,
            testLoss: 1,
            perClassAccuracy: [],
            confusionMatrix: [],
            attempt: 1,
            backend: 'cpu',
            backendVersions: {},
            seed: 1,
            queueWaitMs: 0,
            trainingMs: 0,
            evaluationMs: 0,
          },
        },
      },
    });
    // The files raise the pass mark: nobody edited the policy in the web app, so it applies and the result flips.
    await write('model3/exercise.yaml', ['slug: model3', 'title: Exercise model3', 'instructions: Do it.', 'policy:', '  minTestAccuracy: 0.6', ''].join('\n'));
    const preview = await sync({ dryRun: true });
    expect(preview.policies).toEqual([
      {
        exercise: 'model3',
        action: 'applied',
        changes: [{ field: 'minTestAccuracy', old: 0.5, new: 0.6 }],
        editedBy: null,
        redecided: { passedToFailed: 1, failedToPassed: 0 },
      },
    ]);
    expect((await db.prisma.submission.findFirstOrThrow({ where: { exerciseId: model3.id } })).status).toBe('PASSED');
    await sync();
    expect((await db.prisma.submission.findFirstOrThrow({ where: { exerciseId: model3.id } })).status).toBe('FAILED');
    const v2 = await db.prisma.gradingPolicyChange.findFirstOrThrow({ where: { exerciseId: model3.id, version: 2 } });
    expect(v2.source).toBe('FILES');

    // An admin edits the policy in the web app; then the files change it again.
    const live = await db.prisma.exercise.findUniqueOrThrow({ where: { id: model3.id }, include: { policy: true } });
    await db.prisma.$transaction((tx) =>
      changePolicy(tx, live, adminId, ZGradingPolicy.parse({ ...policyFromRow(live.policy!), dailyQuota: 3 }), { source: 'WEB' }),
    );
    await write(
      'model3/exercise.yaml',
      ['slug: model3', 'title: Exercise model3', 'instructions: Do it.', 'policy:', '  minTestAccuracy: 0.65', ''].join('\n'),
    );
    const kept = await sync();
    expect(kept.policies).toEqual([
      {
        exercise: 'model3',
        action: 'kept-edited',
        changes: [
          { field: 'minTestAccuracy', old: 0.6, new: 0.65 },
          { field: 'dailyQuota', old: 3, new: 10 },
        ],
        editedBy: { name: 'Ada', email: 'admin@sync.test', at: expect.any(String), version: 3 },
        redecided: { passedToFailed: 0, failedToPassed: 0 },
      },
    ]);
    const after = await db.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: model3.id } });
    expect(after).toMatchObject({ minTestAccuracy: 0.6, dailyQuota: 3, version: 3 });
    // Told to overwrite, the same change applies and says whose edit it replaces.
    await write('model3/exercise.yaml', ['slug: model3', 'title: Exercise model3', 'instructions: Do it.', 'policy:', '  minTestAccuracy: 0.4', ''].join('\n'));
    const overwritten = await sync({ overwriteEditedPolicies: true, actorId: adminId, via: 'web' });
    expect(overwritten.policies[0]).toMatchObject({ action: 'overwrote-edited', editedBy: { email: 'admin@sync.test' }, redecided: { failedToPassed: 1 } });
    expect(await db.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: model3.id } })).toMatchObject({ minTestAccuracy: 0.4, dailyQuota: 10 });
  });

  it('refuses bad content naming file, line and field, and changes nothing', async () => {
    await sync();
    await write('dense/exercise.yaml', ['slug: dense', 'title: Dense', 'instructions: Do it.', 'policy:', '  minTestAccuracy: 2', ''].join('\n'));
    await write('steps/02-more.md', '# Changed\n');
    const before = await snapshot();
    const e = await refusal(sync());
    expect(e).toMatchObject({
      kind: 'invalid',
      code: 'invalid_content',
      message: 'spring/dense/exercise.yaml: line 5: policy.minTestAccuracy: Too big: expected number to be <=1',
      details: [{ path: 'spring/dense/exercise.yaml', message: 'line 5: policy.minTestAccuracy: Too big: expected number to be <=1' }],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses corrupt and hostile archives (traversal, links, bombs, too large) with a message, changing nothing', async () => {
    await sync();
    const before = await snapshot();
    const good = courseTree(dir, 'spring/');
    const archive = (name: string, bytes: Buffer) =>
      syncContent(db.prisma, { kind: 'ARCHIVE', name, bytes }, { actorId: adminId, via: 'web', courseSlug: 'spring', dryRun: false, allowCreate: false });
    const cases: [string, Buffer, RegExp, string][] = [
      ['corrupt.zip', zip(good).subarray(0, 200), /not a valid zip archive|zip archive is corrupt/, 'invalid'],
      ['traversal.tar.gz', tarGz([...good, { name: 'spring/../../evil.md', data: 'x' }]), /path traversal/, 'invalid'],
      [
        'link.zip',
        zip([...good.filter((e) => e.name !== 'spring/figures/a.svg'), { name: 'spring/figures/a.svg', type: 'symlink', target: '/etc/passwd' }]),
        /symbolic link/,
        'invalid',
      ],
      ['bomb.tar.gz', tarGz([...good, { name: 'spring/figures/huge.svg', data: Buffer.alloc(11 * 1024 * 1024, 0x20) }]), /the limit for one file/, 'too_large'],
      ['big.zip', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(21 * 1024 * 1024)]), /over the limit of 20971520/, 'too_large'],
      ['notes.txt', Buffer.from('hello'), /not a \.zip or \.tar\.gz archive/, 'invalid'],
    ];
    for (const [name, bytes, message, kind] of cases) {
      const e = await refusal(archive(name, bytes));
      expect([name, e?.kind, e?.message]).toEqual([name, kind, expect.stringMatching(message)]);
    }
    const yamlBomb = [
      ...good.filter((e) => e.name !== 'spring/course.yaml'),
      {
        name: 'spring/course.yaml',
        data: `a: &a [x,x,x,x,x,x,x,x,x]\n${'bcdefghi'
          .split('')
          .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
          .join('\n')}\n`,
      },
    ];
    expect(await refusal(archive('bomb-yaml.zip', zip(yamlBomb)))).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^spring\/course\.yaml: invalid YAML/),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('applies an archive only if it is the one the preview showed', async () => {
    await sync();
    await write('steps/02-more.md', '# More\n\nFrom the archive.\n');
    const bytes = zip(courseTree(dir, 'spring-main/'));
    const opts = { actorId: adminId, via: 'web', courseSlug: 'spring', allowCreate: false } as const;
    const [preview] = await syncContent(db.prisma, { kind: 'ARCHIVE', name: 'spring.zip', bytes }, { ...opts, dryRun: true });
    expect(preview!.steps.changed.map((s) => s.slug)).toEqual(['more']);
    const e = await refusal(syncContent(db.prisma, { kind: 'ARCHIVE', name: 'spring.zip', bytes }, { ...opts, dryRun: false, expectRevision: 'f'.repeat(64) }));
    expect(e).toMatchObject({ kind: 'conflict', code: 'content_changed' });
    const [applied] = await syncContent(
      db.prisma,
      { kind: 'ARCHIVE', name: 'spring.zip', bytes },
      { ...opts, dryRun: false, expectRevision: preview!.source.revision },
    );
    expect(applied).toMatchObject({ syncId: expect.any(String), source: { kind: 'ARCHIVE', source: 'spring.zip', revision: preview!.source.revision } });
    expect(await db.prisma.contentSync.findUniqueOrThrow({ where: { id: applied!.syncId! } })).toMatchObject({
      actorId: adminId,
      via: 'web',
      sourceKind: 'ARCHIVE',
    });
  });

  it('refuses to create a course from the web (the course must exist) and to sync a folder without a course', async () => {
    expect(await refusal(sync({ courseSlug: 'nope', allowCreate: false }))).toMatchObject({ kind: 'conflict', code: 'no_course' });
    const empty = join(work, 'empty');
    await mkdir(empty);
    expect(
      await refusal(syncContent(db.prisma, { kind: 'DIRECTORY', path: empty }, { actorId: null, via: 'cli', dryRun: true, allowCreate: true })),
    ).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^no course found in .*empty: a course folder holds a course\.yaml/),
    });
  });
});
