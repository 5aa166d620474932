import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '@epoch/db';
import { prepareCifar10 } from '@epoch/datasets';
import { root, startTs, waitFor, type RunningProcess } from '../integration/helpers';
import { tinyCifarFolder } from '../integration/grader/grader-harness';
import { startApi, type ApiUnderTest } from '../integration/api/api-harness';
import { buildWeb, launchChromium, screenshot, signInPage, startWeb } from './web-app';

const COURSE = 'cifar10-intro';
const EXERCISE = 'cifar10-model3';
const starter = readFileSync(join(root, 'exercises', COURSE, EXERCISE, 'starter.py'), 'utf8');
const withEpochs = (n: number) => `${starter}\nhistory = model3.fit(train_data, epochs=${n}, validation_data=validation_data)\n`;
const student = DEMO_ACCOUNTS.find((a) => a.email === 'student1@epoch.test')!;
const otherStudent = DEMO_ACCOUNTS.find((a) => a.email === 'student2@epoch.test')!;

/** The grader's pino lines (JSON), those about one submission. */
function graderLines(grader: RunningProcess, submissionId: string): Record<string, unknown>[] {
  return grader
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['submissionId'] === submissionId);
}

describe('a run cancelled while it trains, and a queued submission with its ETA (real browser, API and grader)', () => {
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let grader: RunningProcess | undefined;
  let graderDir = '';
  /** Console errors, page errors, failed requests and 5xx answers of every page this file opens. */
  const problems: string[] = [];

  async function resetDemoExercise(): Promise<void> {
    const exercise = await api.prisma.exercise.findFirstOrThrow({ where: { slug: EXERCISE, course: { slug: COURSE } } });
    await api.prisma.gradingPolicy.update({
      where: { exerciseId: exercise.id },
      data: { minTestAccuracy: 0.7, limitTest: null, requiredEpochs: 30, refundCancelledQuota: true },
    });
    await api.prisma.submission.deleteMany({ where: { exerciseId: exercise.id, user: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } } });
  }

  async function signedIn(who: { email: string; password: string }): Promise<Page> {
    return signInPage(browser, web.base, who, problems);
  }

  /** Submits `source` in the exercise's editor, as a student does, and returns the new submission's id. */
  async function submitInEditor(page: Page, source: string): Promise<string> {
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(source);
    await page.getByTestId('summary-table').waitFor();
    const submit = page.getByTestId('submit');
    await expect.poll(() => submit.isEnabled(), { timeout: 20_000 }).toBe(true);
    await submit.click();
    await page.waitForURL('**/submissions/**');
    return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  }

  const statusOf = async (id: string) => (await api.prisma.submission.findUniqueOrThrow({ where: { id } })).status;

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    api = await startApi({ EPOCH_SSE_POLL_MS: '100' });
    await resetDemoExercise();
    // Enough tiny data for a 30-epoch run to last while the page is used (900 training images: 15 batches an epoch).
    graderDir = mkdtempSync(join(tmpdir(), 'epoch-live-grader-'));
    tinyCifarFolder(join(graderDir, 'images'), 100, 5, { signal: false });
    await prepareCifar10({ source: join(graderDir, 'images'), cacheDir: join(graderDir, 'cifar10') });
    const exercise = await api.prisma.exercise.findFirstOrThrow({ where: { slug: EXERCISE, course: { slug: COURSE } } });
    // Any epochs up to 30 (a short first run gives the queue its measured speed); a run cancelled while training stays counted.
    await api.prisma.gradingPolicy.update({
      where: { exerciseId: exercise.id },
      data: { minTestAccuracy: 0, limitTest: 50, requiredEpochs: null, maxEpochs: 30, refundCancelledQuota: false },
    });
    web = await startWeb(api.base);
    browser = await launchChromium();
    grader = startTs('apps/grader/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: api.prefix,
      EPOCH_BACKEND: 'wasm',
      LOG_LEVEL: 'info',
      EPOCH_CIFAR10: join(graderDir, 'images'),
      EPOCH_DATA_DIR: graderDir,
      // The API's store: the result pages' plots are read from where the grader wrote them.
      EPOCH_ARTIFACT_DIR: api.artifactDir,
      EPOCH_GRADER_PROGRESS_BATCHES: '1',
      // The poll is the fallback: this test shows the push stops the run long before it would look.
      EPOCH_GRADER_CANCEL_POLL_MS: '60000',
      EPOCH_WORKER_ID: `${api.prefix}-live-grader`,
    });
    await waitFor(
      async () =>
        /connected to the grading queue/.test(grader!.output()) ? true : grader!.child.exitCode !== null ? Promise.reject(new Error('exited')) : undefined,
      60_000,
      'the grader to start',
    );
  });
  afterAll(async () => {
    await browser?.close();
    await grader?.stop();
    await resetDemoExercise().catch(() => undefined);
    if (graderDir) rmSync(graderDir, { recursive: true, force: true });
    await web?.process.stop();
    await api?.stop();
  });

  it('shows a queued submission its ETA (the run ahead included), then stops a training run within one batch when its owner cancels', async () => {
    const page = await signedIn(student);
    // A short first run: afterwards the queue knows how fast this grader trains.
    const first = await submitInEditor(page, withEpochs(2));
    await waitFor(async () => ((await statusOf(first)) === 'PASSED' ? true : undefined), 120_000, 'the first run to be graded');

    // The run to cancel: 30 epochs, its page live.
    const running = await submitInEditor(page, withEpochs(30));
    await page.getByTestId('status').filter({ hasText: 'Training' }).waitFor({ timeout: 60_000 });
    await page
      .getByTestId('epoch-count')
      .filter({ hasText: /^([1-9]|1\d) of 30 epochs/ })
      .waitFor({ timeout: 60_000 });

    // Meanwhile another student's submission waits behind it, with an ETA that counts the run ahead.
    const other = await signedIn(otherStudent);
    const queued = await submitInEditor(other, withEpochs(2));
    await other.getByTestId('status').filter({ hasText: 'Queued' }).waitFor();
    const eta = other.getByTestId('eta');
    await eta.waitFor({ timeout: 10_000 });
    await expect(eta.textContent()).resolves.toMatch(/^result in (about \d+ (s|min)|\d+–\d+ (s|min))$/);
    await expect(other.locator('p', { hasText: 'position 1 in the queue' }).count()).resolves.toBe(1);
    type TEtaView = { etaSeconds: number | null; etaRange: { low: number; high: number } | null };
    // Each read by its owner (a student cannot read another's progress).
    const ahead = (await (await page.request.get(`${web.base}/api/submissions/${running}/progress`)).json()) as TEtaView;
    const mine = (await (await other.request.get(`${web.base}/api/submissions/${queued}/progress`)).json()) as TEtaView;
    expect(mine.etaSeconds).toBeGreaterThan(0);
    expect(mine.etaRange!.low).toBeLessThanOrEqual(mine.etaSeconds!);
    expect(mine.etaRange!.high).toBeGreaterThanOrEqual(mine.etaSeconds!);
    // The run ahead is included: this one's result comes after that one's training.
    // (The two reads are moments apart and the run's estimate moves, so compare with a margin: well over this
    // submission's own time, which is the first run's, the same model.)
    const firstRun = await api.prisma.result.findUniqueOrThrow({ where: { submissionId: first } });
    const own = (firstRun.trainingMs + firstRun.evaluationMs) / 1000;
    if (ahead.etaSeconds !== null) expect(mine.etaSeconds).toBeGreaterThan(0.5 * ahead.etaSeconds + 0.5 * own);
    await screenshot(other, 'submission-queued-eta');

    // The training page: its ETA from the run's own speed, and the cancel button.
    await page
      .getByTestId('eta')
      .filter({ hasText: / left$/ })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'submission-training-cancel');
    await page.getByRole('button', { name: 'Stop training and cancel' }).click();
    const confirm = page.getByTestId('confirm-cancel');
    await expect(confirm.textContent()).resolves.toContain('It still counts against your quota');
    await screenshot(page, 'submission-cancel-confirm', { fullPage: false });
    await page.getByRole('button', { name: 'Yes, stop training' }).click();
    await page.locator('h1 .status', { hasText: 'Cancelled' }).waitFor({ timeout: 20_000 });

    // Stored: CANCELLED, counted (this policy), no result, no more epochs.
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id: running }, include: { result: true } });
    expect(row).toMatchObject({ status: 'CANCELLED', cancelCounted: true, result: null });
    // The grader stopped within one batch of the cancellation, and its training child is gone.
    await waitFor(
      async () => (graderLines(grader!, running).some((l) => l['msg'] === 'training stopped: the submission was cancelled') ? true : undefined),
      10_000,
      'the grader to log the cancellation',
    );
    const lines = graderLines(grader!, running);
    const stop = lines.find((l) => l['msg'] === 'training stopped: the submission was cancelled')!;
    expect(stop['batchesAfterCancel']).toBeLessThanOrEqual(1);
    expect(stop['stoppedAfterMs']).toBeLessThan(1000);
    const pid = lines.find((l) => l['msg'] === 'training in a child process')!['child'] as number;
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    const epochsAtStop = await api.prisma.epochMetric.count({ where: { submissionId: running } });
    expect(epochsAtStop).toBeLessThan(30);
    // The quota: the cancelled run still counts here (refundCancelledQuota off).
    const quota = (await (await page.request.get(`${web.base}/api/courses/${COURSE}/exercises/${EXERCISE}`)).json()) as { quota: { usedToday: number } };
    expect(quota.quota.usedToday).toBe(2);

    // The queued submission goes next.
    await other.getByTestId('status').filter({ hasText: 'Training' }).waitFor({ timeout: 30_000 });
    // Its page turns into the result, with the plots the grader stored (a failed image load is a problem below).
    await other.getByTestId('result').waitFor({ timeout: 120_000 });
    await other.locator('img[src*="/artifacts/"]').first().waitFor();
    await other.waitForLoadState('networkidle');
    await page.close();
    await other.close();
  }, 400_000);

  it('had no console errors, page errors or failed requests on any page', () => {
    expect(problems).toEqual([]);
  });
});
