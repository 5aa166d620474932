import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { syncContent } from '@epoch/content';
import { policyFromRow } from '@epoch/db';
import { claim, createSubmission, failStudent, finishGraded, scheduleOf, type TGradedResult } from '@epoch/grading';
import { root } from '../integration/helpers';
import { createUsers, enroll, startApi, tag, type ApiUnderTest, type TestUser } from '../integration/api/api-harness';
import { buildWeb, launchChromium, screenshot, startWeb, watchProblems } from './web-app';

/**
 * A student's attempts, the instructor's overview and the "result ready" notification in the built app (real API and
 * Postgres). Results are written through the lifecycle as a grader would, so no training runs here.
 */
describe('attempts, class overview and result notifications in a real browser', () => {
  const t = tag();
  const COURSE = `notify-${t}`;
  const EXERCISE = 'cifar10-dense';
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let work: string;
  let users: Record<string, TestUser>;
  let exerciseId: string;
  const problems: string[] = [];
  let n = 0;

  const epochs = (k: number, base: number) =>
    Array.from({ length: k }, (_, i) => ({
      epoch: i + 1,
      loss: 2 - base - i * 0.1,
      accuracy: base + i * 0.05,
      valLoss: 2.1 - base - i * 0.1,
      valAccuracy: base - 0.02 + i * 0.05,
      seconds: 1,
    }));
  const graded = (acc: number, base: number): TGradedResult => ({
    testAccuracy: acc,
    testLoss: 1,
    perClassAccuracy: Array.from({ length: 10 }, (_, i) => Math.min(1, acc + (i - 5) * 0.02)),
    confusionMatrix: [],
    backend: 'wasm',
    backendVersions: {},
    seed: 42,
    queueWaitMs: 1,
    trainingMs: 1,
    evaluationMs: 1,
    artifacts: [],
    history: epochs(5, base),
  });
  /** A submission of `who` taken by a grader (claimed), returned with its run. */
  const running = async (who: TestUser, source: string) => {
    const s = await createSubmission(
      api.prisma,
      { userId: who.id, exerciseId, source, idempotencyKey: `k-${t}-${++n}`, policyVersion: 1, modelSpec: {} },
      'QUEUED',
    );
    const c = (await claim(api.prisma, s.id)) as { attempt: number };
    return { id: s.id, attempt: c.attempt };
  };
  const policy = async () => {
    const row = await api.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId } });
    return { policy: policyFromRow(row), schedule: scheduleOf(row) };
  };
  const gradedSubmission = async (who: TestUser, source: string, acc: number, base: number) => {
    const run = await running(who, source);
    const p = await policy();
    await finishGraded(api.prisma, run, graded(acc, base), p.policy, p.schedule, api.artifacts);
    return run.id;
  };

  async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
    await page.goto(`${web.base}/sign-in`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('current-user').waitFor();
  }
  async function newPage(opts: { notifications?: boolean } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (opts.notifications) await ctx.grantPermissions(['notifications'], { origin: web.base });
    // Every notification the page creates is recorded (the real Notification is still created).
    await ctx.addInitScript(() => {
      const Real = window.Notification;
      if (!Real) return;
      const seen: { title: string; body: string | undefined; tag: string | undefined }[] = [];
      (window as unknown as { __notes: typeof seen }).__notes = seen;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          seen.push({ title, body: options?.body, tag: options?.tag });
        }
      }
      Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
      window.Notification = Recorded as unknown as typeof Notification;
    });
    const page = await ctx.newPage();
    const seen = watchProblems(page);
    page.on('close', () => problems.push(...seen.filter((p) => !/status of 4\d\d/.test(p))));
    return { ctx, page };
  }

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    api = await startApi({ EPOCH_PUBLIC_URL: 'https://epoch.school.test', EPOCH_OUTBOX_SWEEP_MS: '500' });
    work = mkdtempSync(join(tmpdir(), 'epoch-notify-'));
    const courseDir = join(work, COURSE);
    cpSync(join(root, 'exercises', 'cifar10-intro'), courseDir, { recursive: true });
    const yaml = readFileSync(join(courseDir, 'course.yaml'), 'utf8')
      .replace(/^slug: .*$/m, `slug: ${COURSE}`)
      .replace(/^enrollmentCode: .*\n/m, '');
    writeFileSync(join(courseDir, 'course.yaml'), yaml.replace(/^title: .*$/m, `title: Notify ${t}`));
    await syncContent(api.prisma, { kind: 'DIRECTORY', path: courseDir }, { actorId: null, via: 'cli (test)', dryRun: false, allowCreate: true });
    const course = await api.prisma.course.findUniqueOrThrow({ where: { slug: COURSE } });
    exerciseId = (await api.prisma.exercise.findFirstOrThrow({ where: { courseId: course.id, slug: EXERCISE } })).id;
    users = await createUsers(api.prisma, [
      { key: 'Teacher', role: 'INSTRUCTOR' },
      { key: 'Mia', role: 'STUDENT' },
      { key: 'Noah', role: 'STUDENT' },
      { key: 'Ola', role: 'STUDENT' },
    ]);
    await enroll(api.prisma, users['Teacher']!.id, course.id, 'INSTRUCTOR');
    for (const k of ['Mia', 'Noah', 'Ola']) await enroll(api.prisma, users[k]!.id, course.id);
    // Mia: two graded attempts with different code; Noah: a failure and one still waiting; Ola: one rejected at grading.
    await gradedSubmission(users['Mia']!, 'model = Sequential()\nmodel.add(Dense(64))\nmodel.fit(epochs=5)\n', 0.38, 0.2);
    await gradedSubmission(users['Mia']!, 'model = Sequential()\nmodel.add(Dense(256))\nmodel.add(Dense(128))\nmodel.fit(epochs=5)\n', 0.47, 0.3);
    await gradedSubmission(users['Noah']!, 'model = Sequential()\n', 0.21, 0.1);
    const ola = await running(users['Ola']!, 'x');
    await failStudent(api.prisma, ola, 'FAILED', 'The loss became NaN at epoch 3.');
    await createSubmission(
      api.prisma,
      { userId: users['Noah']!.id, exerciseId, source: 'y', idempotencyKey: `k-${t}-queued`, policyVersion: 1, modelSpec: {} },
      'QUEUED',
    );
    web = await startWeb(api.base);
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await web?.process.stop();
    await api?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the attempts page overlays two attempts’ curves, compares per-class accuracy and shows the code diff; staff see whose it is', async () => {
    const { ctx, page } = await newPage();
    await signIn(page, users['Mia']!);
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}/attempts/${users['Mia']!.id}`);
    await page.getByRole('heading', { level: 1, name: 'Your attempts' }).waitFor();
    const curves = page.getByTestId('overlaid-curves');
    // Both attempts, training and validation, in both charts.
    for (const s of ['1-training', '1-validation', '2-training', '2-validation']) expect(await curves.locator(`[data-series="${s}"]`).count()).toBe(2);
    await expect(curves.locator('.legend').first().textContent()).resolves.toContain('Attempt 2 validation');
    const perClass = page.getByTestId('per-class-compare');
    await expect(perClass.locator('thead').textContent()).resolves.toMatch(/Attempt 1.*Attempt 2/);
    await expect(perClass.getByRole('row', { name: /test accuracy/ }).textContent()).resolves.toMatch(/38\.0%.*47\.0%/);
    const diff = page.getByTestId('code-diff');
    await expect(diff.locator('.diff-removed').allTextContents()).resolves.toEqual([expect.stringContaining('model.add(Dense(64))')]);
    await expect(diff.locator('.diff-added').allTextContents()).resolves.toEqual([
      expect.stringContaining('model.add(Dense(256))'),
      expect.stringContaining('model.add(Dense(128))'),
    ]);
    // The best attempt counts (the exercise's rule); neither passed the 50% mark here.
    await expect(page.getByTestId('counted-mark').count()).resolves.toBe(1);
    await screenshot(page, 'attempts-page');
    await ctx.close();

    const staff = await newPage();
    await signIn(staff.page, users['Teacher']!);
    await staff.page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}/attempts/${users['Mia']!.id}`);
    await staff.page.getByRole('heading', { level: 1, name: 'Attempts of Mia' }).waitFor();
    await expect(staff.page.getByTestId('attempts-owner').textContent()).resolves.toContain(users['Mia']!.email);
    await staff.ctx.close();
  });

  it('the instructor’s overview and class table: counts, a histogram with labelled axes, grouped failure reasons, the queue, live status', async () => {
    const { ctx, page } = await newPage();
    await signIn(page, users['Teacher']!);
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    await page.getByTestId('class-results-link').click();
    await page.getByRole('heading', { level: 1, name: 'Class results' }).waitFor();
    const statuses = await page.getByTestId('status-cell').allTextContents();
    // The live cell adds the queue position once its stream answers ("queued (#1)"); either is this status.
    expect(statuses).toContainEqual(expect.stringMatching(/^queued( \(#\d+\))?$/));
    await page.goto(`${web.base}/courses/${COURSE}/overview`);
    await page.getByRole('heading', { level: 1, name: 'Class overview' }).waitFor();
    const dense = page.getByTestId('overview-exercise').filter({ hasText: 'Train a dense network' });
    await expect(dense.locator('.stats').textContent()).resolves.toMatch(/3 \/ 3submitted/);
    await expect(dense.locator('.stats').textContent()).resolves.toMatch(/1queued or training now/);
    const hist = dense.getByTestId('accuracy-histogram');
    await expect(hist.getByTestId('histogram-y-tick').allTextContents()).resolves.toEqual(['0', '1']);
    await expect(hist.locator('svg').textContent()).resolves.toMatch(/students.*best test accuracy \(%\)/);
    const reasons = await dense.getByTestId('failure-reasons').locator('li').allTextContents();
    expect(reasons).toHaveLength(2);
    expect(reasons).toContainEqual(expect.stringMatching(/^1× failed Test accuracy 21\.0% is below the required/));
    expect(reasons).toContainEqual(expect.stringMatching(/^1× failed The loss became NaN at epoch 3\./));
    await expect(page.getByTestId('queue-now').textContent()).resolves.toMatch(/Grading queue now: \d+ waiting/);
    await screenshot(page, 'class-overview');
    await ctx.close();
  });

  it('a student who allowed notifications is told when a result is ready, once, while an Epoch page is open', async () => {
    const { ctx, page } = await newPage({ notifications: true });
    await signIn(page, users['Noah']!);
    await page.goto(`${web.base}/account/notifications`);
    // The permission is read in the browser once the page is live (the server cannot know it): wait for that text.
    await page.getByTestId('browser-permission').filter({ hasText: 'This browser shows Epoch’s notifications.' }).waitFor();
    await page.getByLabel(/E-mail me when a result is ready/).check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByTestId('preferences-outcome').filter({ hasText: 'Saved.' }).waitFor();
    expect(await api.prisma.notificationPreferences.findUniqueOrThrow({ where: { userId: users['Noah']!.id } })).toMatchObject({
      emailOnResult: true,
      reminders: false,
      browser: true,
    });
    await screenshot(page, 'notification-preferences');
    // An Epoch page is open; the grader finishes Noah's waiting submission.
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    await page.waitForFunction(() => localStorage.getItem('epoch.notices.since') !== null);
    const id = await gradedSubmission(users['Noah']!, 'model = Sequential()\nmodel.add(Dense(512))\n', 0.55, 0.4);
    await page.waitForFunction(() => ((window as unknown as { __notes?: unknown[] }).__notes ?? []).length > 0, null, { timeout: 60_000 });
    const notes = await page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes);
    expect(notes).toEqual([{ title: 'Result ready: Train a dense network', body: 'Your submission passed. Test accuracy 55.0%.', tag: `${id}:PASSED` }]);
    await expect(page.getByTestId('result-notices').textContent()).resolves.toContain('Result ready: Train a dense network');
    // Another page later: the same result is not announced again.
    await page.goto(`${web.base}/courses/${COURSE}`);
    await page.waitForTimeout(2000);
    expect(await page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes.length)).toBe(0);
    // Noah opted in to e-mail: the result's message is in the outbox (no SMTP server here: skipped, with why).
    await expect
      .poll(async () => (await api.prisma.outboxMessage.findFirst({ where: { key: { contains: id } } }))?.status, { timeout: 30_000 })
      .toBe('SKIPPED');
    await ctx.close();
    expect(problems).toEqual([]);
  });
});
