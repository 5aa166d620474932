import path from 'node:path';
import type { TCourseContent } from '@epoch/contracts';
import type { EpochPrismaClient } from '../client';
import { policyColumns } from '../policy-row';
import { listCourseDirs, loadCourseContent } from './load-content';
import { hashPassword } from './passwords';

export interface DemoAccount {
  role: 'ADMIN' | 'INSTRUCTOR' | 'STUDENT';
  email: string;
  name: string;
  password: string;
}

/** The demo accounts `./epoch up` prints. Demo only: the passwords are public by design. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { role: 'ADMIN', email: 'admin@epoch.test', name: 'Ada Admin', password: 'admin-demo-pass' },
  { role: 'INSTRUCTOR', email: 'instructor@epoch.test', name: 'Ivan Instructor', password: 'instructor-demo-pass' },
  { role: 'STUDENT', email: 'student1@epoch.test', name: 'Sam Student', password: 'student-demo-pass' },
  { role: 'STUDENT', email: 'student2@epoch.test', name: 'Kim Student', password: 'student-demo-pass' },
  { role: 'STUDENT', email: 'student3@epoch.test', name: 'Lee Student', password: 'student-demo-pass' },
];

export interface SeedReport {
  courseSlug: string;
  enrollmentCode: string;
  steps: number;
  exercises: number;
  accounts: readonly DemoAccount[];
  /** Rows created by this run (0 everywhere on a re-run: the seed is idempotent). */
  created: { users: number; policies: number };
}

/**
 * Writes one course's content. Content files are the source of truth for lessons, steps and exercise texts
 * (updated on every run; steps no longer in the files are removed). Grading policies are created from the
 * files' defaults only when an exercise has none: the database holds the live, admin-edited policy.
 */
export async function seedCourse(prisma: EpochPrismaClient, content: TCourseContent): Promise<{ courseId: string; steps: number; policiesCreated: number }> {
  const { course } = content;
  return prisma.$transaction(async (tx) => {
    const row = await tx.course.upsert({
      where: { slug: course.slug },
      create: { slug: course.slug, title: course.title, description: course.description, enrollmentCode: course.enrollmentCode },
      update: { title: course.title, description: course.description },
    });
    let steps = 0;
    for (const lesson of content.lessons) {
      const l = await tx.lesson.upsert({
        where: { courseId_slug: { courseId: row.id, slug: lesson.slug } },
        create: { courseId: row.id, slug: lesson.slug, title: lesson.title, position: lesson.position },
        update: { title: lesson.title, position: lesson.position },
      });
      await tx.lessonStep.deleteMany({ where: { lessonId: l.id, slug: { notIn: lesson.steps.map((s) => s.slug) } } });
      for (const s of lesson.steps) {
        await tx.lessonStep.upsert({
          where: { lessonId_slug: { lessonId: l.id, slug: s.slug } },
          create: { lessonId: l.id, slug: s.slug, title: s.title, position: s.position, body: s.body },
          update: { title: s.title, position: s.position, body: s.body },
        });
        steps++;
      }
    }
    let policiesCreated = 0;
    for (const ex of content.exercises) {
      const texts = {
        title: ex.title,
        position: ex.position,
        instructions: ex.instructions,
        starterCode: ex.starterCode,
        solutionCode: ex.solutionCode,
        afterStep: ex.afterStep?.replace(/^\d+-/, '').replace(/\.md$/, '') ?? null,
      };
      const e = await tx.exercise.upsert({ where: { slug: ex.slug }, create: { courseId: row.id, slug: ex.slug, ...texts }, update: texts });
      const existing = await tx.gradingPolicy.findUnique({ where: { exerciseId: e.id } });
      if (!existing) {
        const columns = policyColumns(ex.policy);
        await tx.gradingPolicy.create({ data: { exerciseId: e.id, ...columns, version: 1 } });
        await tx.gradingPolicyChange.create({ data: { exerciseId: e.id, version: 1, changedById: null, oldValues: {}, newValues: ex.policy } });
        await tx.auditLog.create({ data: { action: 'policy.create', entityType: 'Exercise', entityId: e.id, data: { source: 'seed', policy: ex.policy } } });
        policiesCreated++;
      }
    }
    return { courseId: row.id, steps, policiesCreated };
  });
}

/** Demo users (created once; an existing user's password or role is never overwritten) and their enrollments. */
export async function seedDemoUsers(prisma: EpochPrismaClient, courseIds: string[]): Promise<number> {
  let created = 0;
  for (const a of DEMO_ACCOUNTS) {
    let user = await prisma.user.findUnique({ where: { email: a.email } });
    if (!user) {
      user = await prisma.user.upsert({
        where: { email: a.email },
        create: { email: a.email, name: a.name, role: a.role, passwordHash: await hashPassword(a.password) },
        update: {},
      });
      created++;
    }
    if (a.role === 'ADMIN') continue;
    for (const courseId of courseIds) {
      await prisma.enrollment.upsert({
        where: { userId_courseId: { userId: user.id, courseId } },
        create: { userId: user.id, courseId, role: a.role },
        update: {},
      });
    }
  }
  return created;
}

/** `./epoch db seed`: every course under `exercisesDir`, then the demo accounts. Idempotent. */
export async function seedDemo(prisma: EpochPrismaClient, opts: { exercisesDir: string }): Promise<SeedReport> {
  const dirs = await listCourseDirs(opts.exercisesDir);
  if (dirs.length === 0) throw new Error(`no course found under ${opts.exercisesDir} (a folder with course.yaml)`);
  const courseIds: string[] = [];
  let steps = 0;
  let exercises = 0;
  let policies = 0;
  let first: TCourseContent | undefined;
  for (const dir of dirs) {
    const content = await loadCourseContent(dir);
    first ??= content;
    const r = await seedCourse(prisma, content);
    courseIds.push(r.courseId);
    steps += r.steps;
    exercises += content.exercises.length;
    policies += r.policiesCreated;
  }
  const users = await seedDemoUsers(prisma, courseIds);
  return {
    courseSlug: first?.course.slug ?? path.basename(dirs[0] ?? ''),
    enrollmentCode: first?.course.enrollmentCode ?? '',
    steps,
    exercises,
    accounts: DEMO_ACCOUNTS,
    created: { users, policies },
  };
}
