import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createCourse, createUsers, enroll, startApi, tag, type ApiUnderTest, type TestUser } from '../integration/api/api-harness';
import { buildWeb, launchChromium, screenshot, signInPage, startWeb } from './web-app';

const HOUR = 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');
/** A datetime-local value in UTC (the course's time zone here). */
const utcInput = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

/** An instructor grants a late student an extension on the schedule page and sees the gradebook change. */
describe('schedule, extensions and the gradebook in a real browser (built app, real API and Postgres)', () => {
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  const problems: string[] = [];

  async function signedInPage(who: TestUser): Promise<Page> {
    return signInPage(browser, web.base, who, problems, /status of 4\d\d/);
  }

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    api = await startApi();
    const t = tag();
    users = await createUsers(api.prisma, [
      { key: 'ann', role: 'STUDENT' },
      { key: 'bob', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
    ]);
    course = await createCourse(api.prisma, { minTestAccuracy: 0.5, deadline: new Date(Date.now() - HOUR), lateCredit: [{ hours: 24, credit: 0.8 }] });
    for (const k of ['ann', 'bob']) await enroll(api.prisma, users[k]!.id, course.courseId);
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    const graded = async (user: string, acc: number, minutesAgo: number, late: boolean, credit: number) =>
      api.prisma.submission.create({
        data: {
          userId: users[user]!.id,
          exerciseId: course.exerciseId,
          source: `# ${user} ${t}`,
          idempotencyKey: `k-${tag()}`,
          policyVersion: 1,
          status: acc >= 0.5 ? 'PASSED' : 'FAILED',
          late,
          credit,
          createdAt: new Date(Date.now() - minutesAgo * 60_000),
          modelSpec: { stored: true },
          result: {
            create: {
              testAccuracy: acc,
              testLoss: 1,
              perClassAccuracy: [],
              confusionMatrix: [],
              attempt: 1,
              backend: 'cpu',
              backendVersions: {},
              seed: 42,
              queueWaitMs: 0,
              trainingMs: 1000,
              evaluationMs: 0,
            },
          },
        },
      });
    await graded('ann', 0.72, 30, true, 0.8); // late: after the deadline an hour ago, 80% credit
    await graded('bob', 0.61, 120, false, 1);
    web = await startWeb(api.base);
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await web?.process.stop();
    await api?.stop();
  });

  it('an instructor grants an extension and sees the gradebook change; the student sees their deadline and grades', async () => {
    const p = await signedInPage(users['teacher']!);
    await p.goto(`${web.base}/courses/${course.courseSlug}/gradebook`);
    const annCell = p.getByTestId(`cell-${users['ann']!.email}-${course.exercise}`);
    await expect(annCell.textContent()).resolves.toBe('72% passed (late, credit 80%)');
    await expect(p.getByTestId(`total-${users['ann']!.email}`).textContent()).resolves.toMatch(/^0\.8 \/ 1/);

    await p.getByRole('link', { name: 'Dense' }).click();
    await p.getByRole('heading', { level: 1, name: 'Schedule and extensions' }).waitFor();
    await screenshot(p, 'schedule-editor');
    await p.getByLabel('Student').selectOption(users['ann']!.id);
    await p.getByLabel(/^New deadline/).fill(utcInput(new Date(Date.now() + 48 * HOUR)));
    await p.getByLabel('Extra submissions').fill('2');
    await p.getByLabel('Note').fill('medical certificate');
    await p.getByRole('button', { name: 'Save exception' }).click();
    await expect(
      p
        .getByTestId('exception-outcome')
        .filter({ hasText: /^Saved/ })
        .textContent(),
    ).resolves.toMatch(/Saved for ann \(version 1\); 1 of their results re-decided/);
    await expect(p.getByTestId('exceptions-table').textContent()).resolves.toMatch(/medical certificate/);

    await p.getByRole('link', { name: 'gradebook' }).click();
    await p.getByTestId('gradebook').waitFor();
    await expect(annCell.textContent()).resolves.toBe('72% passed (extension)');
    await expect(p.getByTestId(`total-${users['ann']!.email}`).textContent()).resolves.toMatch(/^1 \/ 1/);
    // Sorting and filtering go through the page's links and form.
    await p.getByLabel('Filter').fill('bob');
    await p.getByRole('button', { name: 'Filter' }).click();
    await p.waitForURL(/q=bob/);
    await expect(p.getByTestId('gradebook').locator('tbody tr').count()).resolves.toBe(1);
    await p.getByLabel('Filter').fill('');
    await p.getByRole('button', { name: 'Filter' }).click();
    await p.waitForURL((u) => !u.search.includes('q=bob'));
    await screenshot(p, 'gradebook');

    const s = await signedInPage(users['ann']!);
    await s.goto(`${web.base}/courses/${course.courseSlug}/exercises/${course.exercise}`);
    await expect(s.getByTestId('my-schedule').textContent()).resolves.toMatch(/Your deadline.*\(UTC\) \(extended for you; the class's is .*\)/);
    await screenshot(s, 'student-deadline', { fullPage: false });
    await s.goto(`${web.base}/courses/${course.courseSlug}`);
    await expect(s.getByTestId('my-total').textContent()).resolves.toBe('1 / 1');
    await expect(s.getByTestId('my-grades').textContent()).resolves.not.toContain(users['bob']!.email);
    expect(problems).toEqual([]);
  });
});
