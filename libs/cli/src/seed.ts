import { seedDemoAccounts } from '@epoch/accounts';
import { syncContent, summaryLine } from '@epoch/content';
import type { DemoAccount, EpochPrismaClient } from '@epoch/db';

export interface SeedReport {
  courseSlug: string;
  enrollmentCode: string;
  steps: number;
  exercises: number;
  accounts: readonly DemoAccount[];
  /** What the content sync did to each course (`no change` on a re-run). */
  content: string[];
  /** Demo accounts created by this run (0 on a re-run: the seed is idempotent). */
  created: { users: number };
}

/**
 * The demo (`./epoch db seed`, `./epoch up` in demo mode): every course under `exercisesDir` through the one content
 * loader (`syncContent`, as `./epoch content sync` does), then the demo accounts with their published passwords.
 * Idempotent. Never run in production mode.
 */
export async function seedDemo(prisma: EpochPrismaClient, opts: { exercisesDir: string }): Promise<SeedReport> {
  const reports = await syncContent(prisma, { kind: 'DIRECTORY', path: opts.exercisesDir }, { actorId: null, via: 'seed', dryRun: false, allowCreate: true });
  const demo = await seedDemoAccounts(
    prisma,
    reports.map((r) => r.course.slug),
  );
  const first = reports[0];
  const outline = await prisma.course.findUnique({
    where: { slug: first?.course.slug ?? '' },
    select: { _count: { select: { exercises: true } }, lessons: { select: { _count: { select: { steps: true } } } } },
  });
  return {
    courseSlug: first?.course.slug ?? '',
    enrollmentCode: demo.courses.find((c) => c.slug === first?.course.slug)?.enrollmentCode ?? '',
    steps: outline?.lessons.reduce((n, l) => n + l._count.steps, 0) ?? 0,
    exercises: outline?._count.exercises ?? 0,
    accounts: demo.accounts,
    content: reports.map((r) => `${r.course.slug}: ${summaryLine(r)}`),
    created: { users: demo.created },
  };
}
