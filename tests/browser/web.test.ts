import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '@epoch/db';
import { checkSource } from '@epoch/model-spec';
import { root } from '../integration/helpers';
import { startApi, type ApiUnderTest } from '../integration/api/api-harness';
import { buildWeb, launchChromium, loadTime, screenshot, startWeb, watchProblems } from './web-app';

const COURSE = 'cifar10-intro';
const EXERCISE = 'cifar10-model3';
const starter = readFileSync(join(root, 'exercises', COURSE, EXERCISE, 'starter.py'), 'utf8');
const fitLine = '\nhistory = model3.fit(train_data, epochs=30, validation_data=validation_data)\n';
const solution = `${starter}${fitLine}`;
const broken = solution.replace("padding='same'", "padding='sideways'");
const wider = solution.replace('Dense(64, activation=', 'Dense(128, activation=');
const student = DEMO_ACCOUNTS.find((a) => a.email === 'student1@epoch.test')!;
const admin = DEMO_ACCOUNTS.find((a) => a.role === 'ADMIN')!;
const instructor = DEMO_ACCOUNTS.find((a) => a.role === 'INSTRUCTOR')!;
const otherStudent = DEMO_ACCOUNTS.find((a) => a.email === 'student2@epoch.test')!;
// A 1×1 PNG standing in for a grader plot.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhQG/1k2L0wAAAABJRU5ErkJggg==', 'base64');

async function signIn(page: Page, base: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Replaces the editor's whole text the way a paste does (one input, no auto-indent). */
async function setEditorText(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

describe('web app in a real browser (built app, real API and Postgres)', () => {
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[];
  let submissionId = '';

  async function resetDemoExercise(): Promise<void> {
    const exercise = await api.prisma.exercise.findUniqueOrThrow({ where: { slug: EXERCISE } });
    await api.prisma.gradingPolicy.update({ where: { exerciseId: exercise.id }, data: { minTestAccuracy: 0.7 } });
    await api.prisma.submission.deleteMany({ where: { exerciseId: exercise.id, user: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } } });
  }

  beforeAll(async () => {
    buildWeb();
    api = await startApi({ EPOCH_SSE_POLL_MS: '100' });
    // The run's database is shared by every test file: start from a known state of the demo exercise.
    await resetDemoExercise();
    web = await startWeb(api.base);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
    problems = watchProblems(page);
  });
  afterAll(async () => {
    await browser?.close();
    await resetDemoExercise().catch(() => undefined);
    await web?.process.stop();
    await api?.stop();
  });

  it('renders the course page and a lesson step from the database, each under 2 s', async () => {
    const course = await api.prisma.course.findUniqueOrThrow({ where: { slug: COURSE }, include: { lessons: { include: { steps: { orderBy: { position: 'asc' } } } } } });
    await page.goto(`${web.base}/courses/${COURSE}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(course.title);
    expect(await loadTime(page)).toBeLessThan(2000);
    await screenshot(page, 'course');
    const step = course.lessons[0]!.steps[1]!;
    await page.getByRole('link', { name: step.title, exact: true }).click();
    await page.waitForURL(`**/${step.slug}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(step.title);
    const steps = course.lessons[0]!.steps.length;
    expect(await page.getByRole('progressbar', { name: 'Lesson progress' }).getAttribute('aria-valuenow')).toBe('2');
    await expect(page.locator('article > p.muted').first().textContent()).resolves.toContain(`step 2 of ${steps}`);
    await page.reload();
    expect(await loadTime(page)).toBeLessThan(2000);
    await screenshot(page, 'lesson-step');
  });

  it('refuses a wrong password with a message, signs a demo student in and shows name and role', async () => {
    await page.goto(`${web.base}/sign-in`);
    await page.getByLabel('Email').fill(student.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#sign-in-error').textContent()).resolves.toMatch(/wrong email or password/);
    await screenshot(page, 'sign-in-error');
    problems.length = 0; // the 401 above is logged by the browser as a failed resource on purpose
    await signIn(page, web.base, student);
    await expect(page.getByTestId('current-user').textContent()).resolves.toBe(student.name);
    await expect(page.locator('.role-badge').textContent()).resolves.toBe('Student');
  });

  it('sends an exercise page to sign-in when signed out, and back afterwards', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(`${web.base}/exercises/${EXERCISE}`);
    await p.waitForURL('**/sign-in?next=**');
    await p.getByLabel('Email').fill(student.email);
    await p.getByLabel('Password').fill(student.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`**/exercises/${EXERCISE}`);
    await other.close();
  });

  it('checks the code while typing: a broken line is underlined and blocks Submit, the fix enables it', async () => {
    await page.goto(`${web.base}/exercises/${EXERCISE}`);
    expect(await loadTime(page)).toBeLessThan(2000);
    const policy = await api.prisma.gradingPolicy.findFirstOrThrow({ where: { exercise: { slug: EXERCISE } } });
    await expect(page.getByTestId('policy').textContent()).resolves.toContain(`at least ${(policy.minTestAccuracy * 100).toFixed(1)}%`);
    await page.getByTestId('summary-table').waitFor();

    await setEditorText(page, broken);
    await page.locator('.cm-lintRange-error').first().waitFor();
    const line = broken.split('\n').findIndex((l) => l.includes('sideways')) + 1;
    await expect(page.getByTestId('diagnostics').textContent()).resolves.toContain(`Line ${line}`);
    expect(await page.getByTestId('submit').isDisabled()).toBe(true);
    // The table stays, marked stale, instead of disappearing while the code is broken.
    await page.locator('[data-testid="summary-table"][data-stale="true"]').waitFor();
    await screenshot(page, 'exercise-error');

    await setEditorText(page, wider);
    await page.getByText(/^No errors/).waitFor();
    expect(await page.locator('[data-testid="summary-table"][data-stale="true"]').count()).toBe(0);
    const widerTotal = checkSource(wider).summary!.totalParams.toLocaleString('en-US');
    await expect(page.getByTestId('total-params').textContent()).resolves.toBe(widerTotal);
    await setEditorText(page, solution);
    const total = checkSource(solution).summary!.totalParams.toLocaleString('en-US');
    expect(total).not.toBe(widerTotal);
    await page.getByTestId('total-params').filter({ hasText: total }).waitFor();
    expect(await page.getByTestId('submit').isEnabled()).toBe(true);
    await screenshot(page, 'exercise');
  });

  it('keeps the draft across a reload', async () => {
    await page.reload();
    await page.getByTestId('summary-table').waitFor();
    await expect(page.locator('.cm-content').textContent()).resolves.toContain('epochs=30, validation_data=validation_data');
  });

  it('submits: the submission is stored and its page shows it queued', async () => {
    await page.getByTestId('submit').click();
    await page.waitForURL('**/submissions/**');
    submissionId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { user: true } });
    expect(row.user.email).toBe(student.email);
    expect(row.source.trim()).toBe(solution.trim());
    await expect(page.getByTestId('status').textContent()).resolves.toMatch(/Queued|Received/);
    await screenshot(page, 'submission-queued');
  });

  it('draws epochs as they arrive and shows pass/fail with the plots when graded', async () => {
    // Stand in for the grader: write what it writes, the way it writes it (epochs first, then the final status).
    await api.prisma.submission.update({ where: { id: submissionId }, data: { status: 'RUNNING', startedAt: new Date(), attemptCount: 1 } });
    await page.getByTestId('status').filter({ hasText: 'Training' }).waitFor();
    for (const epoch of [1, 2, 3]) {
      await api.prisma.epochMetric.create({ data: { submissionId, attempt: 1, epoch, loss: 2 - epoch * 0.3, accuracy: 0.3 + epoch * 0.1, valLoss: 2.1 - epoch * 0.25, valAccuracy: 0.28 + epoch * 0.09, seconds: 1.5 } });
      await page.getByTestId('epoch-count').filter({ hasText: `${epoch} of 30 epochs` }).waitFor();
    }
    expect(await page.locator('.chart polyline').count()).toBe(4);
    await screenshot(page, 'submission-running');
    const history = [1, 2, 3].map((epoch) => ({ attempt: 1, epoch, loss: 2 - epoch * 0.3, accuracy: 0.3 + epoch * 0.1, valLoss: 2.1 - epoch * 0.25, valAccuracy: 0.28 + epoch * 0.09, seconds: 1.5 }));
    await api.prisma.result.create({
      data: {
        submissionId, testAccuracy: 0.71, testLoss: 0.9, perClassAccuracy: [0.8, 0.85, 0.6, 0.5, 0.65, 0.6, 0.8, 0.75, 0.82, 0.78], confusionMatrix: [],
        history, backend: 'tfjs-node', backendVersions: {}, seed: 1, queueWaitMs: 1200, trainingMs: 4500, evaluationMs: 300,
      },
    });
    await api.prisma.artifact.create({ data: { submissionId, kind: 'ACCURACY_PLOT', name: 'accuracy.png', contentType: 'image/png', bytes: PNG } });
    await api.prisma.submission.update({ where: { id: submissionId }, data: { status: 'PASSED', finishedAt: new Date() } });
    await page.getByTestId('verdict').waitFor();
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(/^Passed: test accuracy 71\.0%/);
    const img = page.locator('.plots img').first();
    await img.waitFor();
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    await screenshot(page, 'submission-result');
  });

  it("answers 'not found' to another student opening this result", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signIn(p, web.base, otherStudent);
    await p.goto(`${web.base}/submissions/${submissionId}`);
    await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
    await expect(p.locator('body').textContent()).resolves.not.toContain('model3.fit');
    await other.close();
  });

  it('shows the instructor the class table with this submission, exports CSV and drills down to the result', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    const seen = watchProblems(p);
    await signIn(p, web.base, instructor);
    await expect(p.locator('.role-badge').textContent()).resolves.toBe('Instructor');
    await p.goto(`${web.base}/courses/${COURSE}`);
    await p.locator(`a[href="/exercises/${EXERCISE}/results"]`).click();
    await p.waitForURL(`**/exercises/${EXERCISE}/results`);
    const row = p.getByTestId('class-table').locator('tr', { hasText: student.email });
    await expect(row.textContent()).resolves.toMatch(/71\.0%.*yes/);
    await p.getByLabel('Show').selectOption('not-passed');
    expect(await p.getByTestId('class-table').locator('tbody tr', { hasText: student.email }).count()).toBe(0);
    await p.getByLabel('Show').selectOption('all');
    await p.getByRole('button', { name: 'Re-decide latest results' }).click();
    await expect(p.getByTestId('regrade-message').textContent()).resolves.toMatch(/0 changed, 1 unchanged \(already PASSED\)/);
    await screenshot(p, 'class-results');
    const csv = await p.request.get(await p.getByRole('link', { name: 'Export CSV' }).getAttribute('href').then((h) => `${web.base}${h}`));
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/attachment/);
    expect(await csv.text()).toContain(student.email);
    await row.getByRole('link', { name: 'latest' }).click();
    await p.waitForURL(`**/submissions/${submissionId}`);
    await expect(p.getByTestId('verdict').textContent()).resolves.toMatch(/^Passed/);
    expect(seen).toEqual([]);
    await other.close();
  });

  it("lets an admin raise the pass mark, with field messages, and the student's result flips to failed without retraining", async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    const seen = watchProblems(p);
    await signIn(p, web.base, admin);
    await p.goto(`${web.base}/courses/${COURSE}`);
    await p.locator(`a[href="/exercises/${EXERCISE}/policy"]`).click();
    await p.waitForURL(`**/exercises/${EXERCISE}/policy`);
    const mark = p.getByLabel('Pass mark (% test accuracy)');
    await mark.fill('120');
    await p.getByRole('button', { name: 'Save policy' }).click();
    await expect(p.locator('#p-minTestAccuracy-error').textContent()).resolves.toBe('must be between 0 and 100');
    await mark.fill('75');
    await p.getByRole('button', { name: 'Save policy' }).click();
    await expect(p.getByTestId('policy-message').textContent()).resolves.toMatch(/1 result changed from passed to failed/);
    await screenshot(p, 'policy-editor');
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: submissionId } })).status).toBe('FAILED');
    expect(await api.prisma.epochMetric.count({ where: { submissionId } })).toBe(3);
    expect(seen).toEqual([]);
    await other.close();

    await page.reload();
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(/^Not passed: test accuracy 71\.0%, the pass mark is 75\.0%/);
    await screenshot(page, 'submission-failed');
  });

  it('lets an admin create users and import a roster, naming each bad line', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    const seen = watchProblems(p);
    await signIn(p, web.base, admin);
    await p.getByRole('link', { name: 'Users', exact: true }).click();
    await p.waitForURL('**/admin/users');
    const email = `new-${Date.now()}@epoch.test`;
    await p.getByLabel('Email', { exact: true }).fill(email);
    await p.getByLabel('Name', { exact: true }).fill('Nia New');
    await p.getByLabel('Role', { exact: true }).selectOption('INSTRUCTOR');
    await p.getByRole('button', { name: 'Create user' }).click();
    await expect(p.getByTestId('create-user-outcome').textContent()).resolves.toMatch(new RegExp(`Created ${email} \\(instructor\\)\\. Initial password, shown only now: \\S{10,}`));
    await p.getByTestId('users-table').locator('tr', { hasText: email }).waitFor();
    expect((await api.prisma.user.findUniqueOrThrow({ where: { email } })).role).toBe('INSTRUCTOR');

    const rosterEmail = `roster-${Date.now()}@epoch.test`;
    await p.getByLabel(/Columns:/).fill(`email,name,course\nnot-an-email,Bad Row,${COURSE}\n${rosterEmail},Rae Roster,${COURSE}`);
    await p.getByRole('button', { name: 'Import' }).click();
    await expect(p.getByTestId('roster-outcome').textContent()).resolves.toMatch(/^the roster has errors; nothing was imported:line 2: email: /);
    expect(await api.prisma.user.count({ where: { email: rosterEmail } })).toBe(0);
    await p.getByLabel(/Columns:/).fill(`email,name,course\n${rosterEmail},Rae Roster,${COURSE}`);
    await p.getByRole('button', { name: 'Import' }).click();
    await p.getByTestId('roster-outcome').filter({ hasText: 'Imported 1 user.' }).waitFor();
    await p.getByTestId('users-table').locator('tr', { hasText: rosterEmail }).waitFor();
    await screenshot(p, 'admin-users');
    expect(seen.filter((x) => !x.includes('status of 400'))).toEqual([]);
    await other.close();
  });

  it('shows a student no policy editor', async () => {
    await page.goto(`${web.base}/exercises/${EXERCISE}/policy`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
  });

  it('is readable at phone width (no sideways scrolling) and signs out', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${web.base}/exercises/${EXERCISE}`);
    await page.getByTestId('summary-table').waitFor();
    await screenshot(page, 'exercise-phone');
    // Anything wider than the screen, named, so a failure says what to fix.
    const tooWide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll, .cm-scroller, .summary-pane, pre')).map((e) => e.tagName + '.' + e.className).slice(0, 5)`);
    expect(tooWide).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('current-user').count()).toBe(0);
  });

  it('had no console errors and no failed requests', () => {
    expect(problems).toEqual([]);
  });
});
