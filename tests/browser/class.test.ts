import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { syncContent } from '@epoch/content';
import { courseTree, zip } from '@epoch/content/testing';
import { ZGradingPolicy } from '@epoch/contracts';
import { DEMO_ACCOUNTS, policyFromRow } from '@epoch/db';
import { changePolicy } from '@epoch/grading';
import { root } from '../integration/helpers';
import { createUsers, enroll, startApi, tag, type ApiUnderTest, type TestUser } from '../integration/api/api-harness';
import { buildWeb, launchChromium, screenshot, startWeb, watchProblems } from './web-app';

/**
 * Running a real class in the browser: a new student gets an account from an admin and sets a password through the
 * reset link, joins the course with its code and submits; an instructor syncs a changed course from an archive after
 * reading the diff; an admin deactivates a user, whose open session ends at once.
 */
describe('a real class in a real browser (built app, real API and Postgres)', () => {
  const admin = DEMO_ACCOUNTS.find((a) => a.role === 'ADMIN')!;
  const t = tag();
  const COURSE = `class-${t}`;
  const studentEmail = `nina-${t}@school.test`;
  const studentPassword = 'nina-chose-this-one';
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let work: string;
  let courseDir: string;
  let teacher: TestUser;
  let studentCtx: BrowserContext;
  let student: Page;
  const problems: string[] = [];

  async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
    await page.goto(`${web.base}/sign-in`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('current-user').waitFor();
  }
  async function newPage(): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    page.on('dialog', (d) => {
      void d.accept();
    });
    const seen = watchProblems(page);
    // Refusals the tests provoke on purpose are logged by the browser as failed resources (4xx): only 5xx and errors count.
    page.on('close', () => problems.push(...seen.filter((p) => !/status of 4\d\d/.test(p))));
    return { ctx, page };
  }

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    api = await startApi({ EPOCH_PUBLIC_URL: 'https://epoch.school.test' });
    // A course of this file: a copy of the demo course without its (taken) enrollment code, loaded like any course.
    work = mkdtempSync(join(tmpdir(), 'epoch-class-'));
    courseDir = join(work, COURSE);
    cpSync(join(root, 'exercises', 'cifar10-intro'), courseDir, { recursive: true });
    const yaml = readFileSync(join(courseDir, 'course.yaml'), 'utf8')
      .replace(/^slug: .*$/m, `slug: ${COURSE}`)
      .replace(/^enrollmentCode: .*\n/m, '');
    writeFileSync(join(courseDir, 'course.yaml'), yaml.replace(/^title: .*$/m, `title: Deep learning ${t}`));
    await syncContent(api.prisma, { kind: 'DIRECTORY', path: courseDir }, { actorId: null, via: 'cli (test)', dryRun: false, allowCreate: true });
    const course = await api.prisma.course.findUniqueOrThrow({ where: { slug: COURSE } });
    teacher = (await createUsers(api.prisma, [{ key: `teacher-${t}`, role: 'INSTRUCTOR' }]))[`teacher-${t}`]!;
    await enroll(api.prisma, teacher.id, course.id, 'INSTRUCTOR');
    web = await startWeb(api.base);
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await web?.process.stop();
    await api?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('a new student gets an account from an admin, sets a password with the reset link, joins with the code and submits', async () => {
    const { ctx, page: p } = await newPage();
    await signIn(p, admin);
    await p.getByRole('link', { name: 'Users', exact: true }).click();
    await p.getByLabel('Email', { exact: true }).fill(studentEmail);
    await p.getByLabel('Name', { exact: true }).fill('Nina New');
    await p.getByRole('button', { name: 'Create user' }).click();
    await p
      .getByTestId('create-user-outcome')
      .filter({ hasText: /^Created/ })
      .waitFor();
    await p.getByTestId('users-table').getByRole('link', { name: 'Nina New' }).click();
    await p.getByRole('heading', { level: 1, name: 'Nina New' }).waitFor();
    await p.getByRole('button', { name: 'Create a password link' }).click();
    const link = new URL((await p.getByTestId('reset-url').textContent())!);
    expect(link.origin).toBe('https://epoch.school.test');
    await expect(p.getByTestId('reset-link').textContent()).resolves.toMatch(/Valid once, until .*shown only now/);
    await screenshot(p, 'admin-user-reset-link');
    await ctx.close();

    ({ ctx: studentCtx, page: student } = await newPage());
    await student.goto(`${web.base}${link.pathname}${link.search}`);
    await expect(student.getByTestId('reset-email').textContent()).resolves.toBe(studentEmail);
    await expect(student.getByTestId('password-rules').textContent()).resolves.toMatch(/At least 10 characters/);
    // The rules are checked by the server too: a published demo password is refused with the reason.
    await student.getByLabel('New password', { exact: true }).fill('student-demo-pass');
    await student.getByLabel('Repeat the new password').fill('student-demo-pass');
    await student.getByRole('button', { name: 'Set password' }).click();
    await expect(student.getByTestId('reset-outcome').textContent()).resolves.toMatch(/published demo password/);
    await screenshot(student, 'reset-password');
    await student.getByLabel('New password', { exact: true }).fill(studentPassword);
    await student.getByLabel('Repeat the new password').fill(studentPassword);
    await student.getByRole('button', { name: 'Set password' }).click();
    await student.getByTestId('reset-done').waitFor();
    expect(await student.getByLabel('Email').inputValue()).toBe(studentEmail);
    // The link worked once: opening it again says so.
    const again = await (await ctx.browser()!.newContext()).newPage();
    await again.goto(`${web.base}${link.pathname}${link.search}`);
    await expect(again.getByTestId('reset-error').textContent()).resolves.toMatch(/already used/);
    await again.context().close();

    await student.getByLabel('Password').fill(studentPassword);
    await student.getByRole('button', { name: 'Sign in' }).click();
    await student.getByTestId('current-user').waitFor();
    await student.getByRole('link', { name: 'Join a course' }).first().click();
    await student.waitForURL('**/join');
    await student.getByLabel('Enrollment code').fill('NOT-A-CODE');
    await student.getByRole('button', { name: 'Find the course' }).click();
    await expect(student.getByTestId('join-outcome').textContent()).resolves.toMatch(/no course has this enrollment code/);
    const code = (await api.prisma.course.findUniqueOrThrow({ where: { slug: COURSE } })).enrollmentCode;
    await student.getByLabel('Enrollment code').fill(code.toLowerCase());
    await student.getByRole('button', { name: 'Find the course' }).click();
    await expect(student.getByTestId('join-preview').getByRole('heading').textContent()).resolves.toBe(`Deep learning ${t}`);
    await screenshot(student, 'join-preview');
    await student.getByRole('button', { name: `Join Deep learning ${t}` }).click();
    await student.waitForURL(`**/courses/${COURSE}`);
    expect(await student.getByTestId('join-this-course').count()).toBe(0);
    await screenshot(student, 'course-joined');

    await student.getByRole('link', { name: 'Train a dense network', exact: true }).click();
    await student.waitForURL(`**/courses/${COURSE}/exercises/cifar10-dense`);
    const solution = readFileSync(join(root, 'exercises/cifar10-intro/cifar10-dense/solution.py'), 'utf8');
    await student.locator('.cm-content').click();
    await student.keyboard.press('Control+A');
    await student.keyboard.insertText(solution);
    await student.getByText(/^No errors/).waitFor();
    await student.getByTestId('submit').click();
    await student.waitForURL('**/submissions/**');
    const id = decodeURIComponent(new URL(student.url()).pathname.split('/').pop()!);
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id }, include: { user: true, exercise: { include: { course: true } } } });
    expect([row.user.email, row.exercise.course.slug, row.status]).toEqual([studentEmail, COURSE, 'QUEUED']);
  });

  it('shows a non-member "Join this course to submit" on the course and its exercises, and the staff who joined when', async () => {
    const { ctx, page: p } = await newPage();
    const other = (await createUsers(api.prisma, [{ key: `outsider-${t}`, role: 'STUDENT' }]))[`outsider-${t}`]!;
    await signIn(p, other);
    const res = await p.goto(`${web.base}/courses/${COURSE}/exercises/cifar10-model3`);
    expect(res?.status()).toBe(200);
    await expect(p.getByTestId('join-this-course').textContent()).resolves.toMatch(/Join this course to submit/);
    await screenshot(p, 'exercise-not-member');
    await ctx.close();

    const { ctx: tctx, page: tp } = await newPage();
    await signIn(tp, teacher);
    await tp.goto(`${web.base}/courses/${COURSE}`);
    await tp.getByRole('link', { name: 'Members and enrollment code' }).click();
    const row = tp.getByTestId('members-table').locator('tr', { hasText: studentEmail });
    await expect(row.textContent()).resolves.toMatch(/^Nina New.*student.*with the code/);
    await screenshot(tp, 'course-members');
    await tctx.close();
  });

  it('lets an instructor sync a changed course from an archive after reading the diff; an edited policy is kept and said so', async () => {
    // An admin edited a policy in the web app; the files change it too.
    const cnn = await api.prisma.exercise.findFirstOrThrow({ where: { slug: 'cifar10-cnn', course: { slug: COURSE } }, include: { policy: true } });
    const adminUser = await api.prisma.user.findUniqueOrThrow({ where: { email: admin.email } });
    await api.prisma.$transaction((tx) =>
      changePolicy(tx, cnn, adminUser.id, ZGradingPolicy.parse({ ...policyFromRow(cnn.policy!), dailyQuota: 4 }), { source: 'WEB' }),
    );
    const stepFile = join(courseDir, 'steps', '02-loading-cifar10.md');
    writeFileSync(stepFile, readFileSync(stepFile, 'utf8').replace('# Loading CIFAR-10', '# Loading the CIFAR-10 pictures'));
    for (const ex of ['cifar10-dense', 'cifar10-cnn']) {
      const f = join(courseDir, ex, 'exercise.yaml');
      writeFileSync(f, readFileSync(f, 'utf8').replace(/dailyQuota: 10/, 'dailyQuota: 20'));
    }
    const archive = join(work, `${COURSE}.zip`);
    writeFileSync(archive, zip(courseTree(courseDir, `${COURSE}-main/`)));

    const { ctx, page: p } = await newPage();
    await signIn(p, teacher);
    await p.goto(`${web.base}/courses/${COURSE}`);
    await p.getByRole('link', { name: 'Course content' }).click();
    await p.getByLabel('Course archive').setInputFiles(archive);
    await p.getByRole('button', { name: 'Show the changes' }).click();
    const preview = p.getByTestId('sync-preview');
    await preview.waitFor();
    await expect(preview.textContent()).resolves.toMatch(/changes this would make \(nothing is applied yet\)/);
    await expect(preview.textContent()).resolves.toMatch(/step Loading the CIFAR-10 pictures: title/);
    await expect(p.getByTestId('policy-cifar10-dense').textContent()).resolves.toMatch(/the files change it\.dailyQuota: 10 → 20/);
    await expect(p.getByTestId('policy-cifar10-cnn').textContent()).resolves.toMatch(/an admin edited it in the web app .*it is kept.*dailyQuota: 4 → 20/);
    // Nothing is applied before the instructor says so.
    expect((await api.prisma.lessonStep.findFirstOrThrow({ where: { slug: 'loading-cifar10', lesson: { course: { slug: COURSE } } } })).title).toBe(
      'Loading CIFAR-10',
    );
    await screenshot(p, 'content-diff');
    await p.getByRole('button', { name: 'Apply these changes' }).click();
    await expect(p.getByTestId('content-outcome').textContent()).resolves.toMatch(/Applied/);
    await p
      .getByTestId('syncs-table')
      .locator('tr', { hasText: `${COURSE}.zip` })
      .waitFor();
    await screenshot(p, 'content-applied');
    const policies = await api.prisma.gradingPolicy.findMany({
      where: { exercise: { course: { slug: COURSE }, slug: { in: ['cifar10-dense', 'cifar10-cnn'] } } },
      include: { exercise: true },
    });
    expect(Object.fromEntries(policies.map((x) => [x.exercise.slug, x.dailyQuota]))).toEqual({ 'cifar10-dense': 20, 'cifar10-cnn': 4 });

    await p.goto(`${web.base}/courses/${COURSE}/image-classification/loading-cifar10`);
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Loading the CIFAR-10 pictures');
    await p.goto(`${web.base}/courses/${COURSE}/image-classification/loading-cifar10?version=1`);
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Loading CIFAR-10');
    await expect(p.getByTestId('step-version').textContent()).resolves.toMatch(/Version 1 of this step/);
    await screenshot(p, 'step-earlier-version');
    await ctx.close();
  });

  it('lets an admin deactivate a user: their open session ends at once, submissions are kept', async () => {
    const { ctx, page: p } = await newPage();
    await signIn(p, admin);
    const nina = await api.prisma.user.findUniqueOrThrow({ where: { email: studentEmail } });
    await p.goto(`${web.base}/admin/users/${nina.id}`);
    await expect(p.getByTestId('user-state').textContent()).resolves.toMatch(/Active, 1 live session\(s\), 1 submission\(s\)/);
    await p.getByRole('button', { name: 'Deactivate' }).click();
    await expect(p.getByTestId('user-state-outcome').textContent()).resolves.toMatch(/Deactivated: 1 session\(s\) ended/);
    await p
      .getByTestId('user-state')
      .filter({ hasText: /^Deactivated on/ })
      .waitFor();
    await screenshot(p, 'admin-user-deactivated');
    await student.reload();
    await student.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await student.getByTestId('current-user').count()).toBe(0);
    await signInRefused(student);
    expect(await api.prisma.submission.count({ where: { userId: nina.id } })).toBe(1);
    await p.goto(`${web.base}/admin/audit?actor=${encodeURIComponent(admin.email)}&action=user.`);
    await p.getByTestId('audit-table').locator('tr', { hasText: 'user.deactivate' }).waitFor();
    await screenshot(p, 'admin-audit');
    await ctx.close();
    await studentCtx.close();
    expect(problems).toEqual([]);
  });

  async function signInRefused(page: Page): Promise<void> {
    await page.goto(`${web.base}/sign-in`);
    await page.getByLabel('Email').fill(studentEmail);
    await page.getByLabel('Password').fill(studentPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#sign-in-error').textContent()).resolves.toMatch(/wrong email or password/);
  }
});
