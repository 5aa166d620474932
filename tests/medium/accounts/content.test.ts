import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '@epoch/db';
import { courseOutline, lessonStep, listPublicCourses, pingDatabase, requireCourse } from '@epoch/accounts';
import { courseFigure } from '@epoch/content';
import { NotFoundError } from '@epoch/contracts';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/** The public course content (list, outline, steps, figure files) and the database health check. */
describe('accounts: course content', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma);
    // Two lessons, stored out of order, with three and one steps.
    const second = await db.prisma.lesson.create({ data: { courseId: cls.courseId, slug: 'second', title: 'Second', position: 2 } });
    const first = await db.prisma.lesson.create({ data: { courseId: cls.courseId, slug: 'first', title: 'First', position: 1 } });
    await db.prisma.lessonStep.createMany({
      data: [
        { lessonId: first.id, slug: 'c', title: 'C', position: 3, body: 'body c' },
        { lessonId: first.id, slug: 'a', title: 'A', position: 1, body: 'body a' },
        { lessonId: first.id, slug: 'b', title: 'B', position: 2, body: 'body b' },
        { lessonId: second.id, slug: 'only', title: 'Only', position: 1, body: 'body only' },
      ],
    });
    // Figures are stored with the course by its content sync (course_assets).
    for (const [path, bytes] of [
      ['figures/network.svg', '<svg/>'],
      ['secret.png', 'not a figure'],
    ] as const) {
      await db.prisma.courseAsset.create({
        data: { courseId: cls.courseId, path, contentType: 'image/svg+xml', sha256: 'x'.repeat(64), bytes: new Uint8Array(Buffer.from(bytes)) },
      });
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function refusal(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => expect.fail('expected the use case to refuse'),
      (e: unknown) => e,
    );
  }

  it('lists every course by title with its slug and description only', async () => {
    const other = await createClass(db.prisma);
    expect(await listPublicCourses(db.prisma)).toEqual({
      items: [cls, other].map((c) => ({ slug: c.courseSlug, title: expect.any(String), description: 'medium tier' })),
    });
  });

  it('outlines a course: lessons and their steps in position order, and the exercises; an unknown course is not found', async () => {
    const o = await courseOutline(db.prisma, cls.courseSlug);
    expect(o.lessons.map((l) => [l.slug, l.position, l.steps.map((s) => s.slug)])).toEqual([
      ['first', 1, ['a', 'b', 'c']],
      ['second', 2, ['only']],
    ]);
    expect(o.lessons[0]!.steps[0]).toEqual({ slug: 'a', title: 'A', position: 1 });
    expect(o.exercises).toEqual([{ slug: cls.exerciseSlug, title: expect.any(String), position: 1 }]);
    const e = await refusal(courseOutline(db.prisma, 'nope'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e).toMatchObject({ message: 'no course "nope"' });
  });

  it('shows a step with its body and its neighbours within the lesson', async () => {
    const at = (lessonSlug: string, stepSlug: string) => lessonStep(db.prisma, { courseSlug: cls.courseSlug, lessonSlug, stepSlug });
    expect(await at('first', 'b')).toEqual({
      courseSlug: cls.courseSlug,
      lessonSlug: 'first',
      slug: 'b',
      title: 'B',
      position: 2,
      body: 'body b',
      prev: { slug: 'a', title: 'A', position: 1 },
      next: { slug: 'c', title: 'C', position: 3 },
      version: 1,
      latestVersion: 1,
      removed: false,
    });
    expect(await at('first', 'a')).toMatchObject({ prev: null, next: { slug: 'b' } });
    expect(await at('second', 'only')).toMatchObject({ prev: null, next: null });
  });

  it('answers not found for a step of another lesson, an unknown lesson and an unknown course', async () => {
    expect(await refusal(lessonStep(db.prisma, { courseSlug: cls.courseSlug, lessonSlug: 'second', stepSlug: 'a' }))).toMatchObject({
      kind: 'not_found',
      message: `no step "a" in ${cls.courseSlug}/second`,
    });
    expect(await refusal(lessonStep(db.prisma, { courseSlug: cls.courseSlug, lessonSlug: 'third', stepSlug: 'a' }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(lessonStep(db.prisma, { courseSlug: 'nope', lessonSlug: 'first', stepSlug: 'a' }))).toBeInstanceOf(NotFoundError);
  });

  it("serves a course's figure files with their type, and nothing outside figures/ or of an unknown course", async () => {
    expect(await courseFigure(db.prisma, cls.courseSlug, 'network.svg')).toEqual({
      bytes: Buffer.from('<svg/>'),
      type: 'image/svg+xml',
      sha256: 'x'.repeat(64),
    });
    for (const [slug, file] of [
      [cls.courseSlug, 'missing.png'],
      [cls.courseSlug, '../secret.png'],
      [cls.courseSlug, 'network.txt'],
      ['nope', 'network.svg'],
      ['../x', 'network.svg'],
    ] as const) {
      const e = await refusal(courseFigure(db.prisma, slug, file));
      expect(e).toBeInstanceOf(NotFoundError);
      expect(e).toMatchObject({ message: `no figure "${file}" in course "${slug}"` });
    }
  });

  it('requires a course to exist', async () => {
    await expect(requireCourse(db.prisma, cls.courseSlug)).resolves.toBeUndefined();
    expect(await refusal(requireCourse(db.prisma, 'nope'))).toMatchObject({ kind: 'not_found', message: 'no course "nope"' });
  });

  it('pings the database, and fails when it does not answer', async () => {
    await expect(pingDatabase(db.prisma)).resolves.toBeUndefined();
    const gone = new URL(db.url);
    gone.pathname = '/epoch_medium_no_such_database';
    const unreachable = createPrismaClient(gone.toString());
    try {
      await expect(pingDatabase(unreachable)).rejects.toThrow();
    } finally {
      await unreachable.$disconnect();
    }
  });
});
