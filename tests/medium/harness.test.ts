import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClass, freshDatabase, type TMediumDb } from './harness';

describe('medium tier harness', () => {
  let a: TMediumDb;
  let b: TMediumDb;
  beforeAll(async () => {
    [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a.drop(), b.drop()]);
  });

  it('gives each caller its own migrated database, so rows never leak between test files', async () => {
    const cls = await createClass(a.prisma, { students: 3 });
    expect(await a.prisma.enrollment.count({ where: { courseId: cls.courseId } })).toBe(4);
    expect(await a.prisma.gradingPolicy.count()).toBe(1);
    expect(await b.prisma.course.count()).toBe(0);
    expect(a.url).not.toBe(b.url);
  });
});
