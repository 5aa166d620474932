import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { GRADING_QUEUES } from '@epoch/contracts';
import { DEMO_ACCOUNTS } from '@epoch/db';
import { prepareCifar10 } from '@epoch/datasets';
import { root, startTs, waitFor, type RunningProcess } from '../integration/helpers';
import { tinyCifarFolder } from '../integration/grader/grader-harness';
import { Client, startApi, type ApiUnderTest } from '../integration/api/api-harness';
import { buildWeb, launchChromium, screenshot, signInPage, startWeb } from './web-app';

const COURSE = 'cifar10-intro';
const EXERCISE = 'cifar10-model3';
const starter = readFileSync(join(root, 'exercises', COURSE, EXERCISE, 'starter.py'), 'utf8');
const withEpochs = (n: number) => `${starter}\nhistory = model3.fit(train_data, epochs=${n}, validation_data=validation_data)\n`;
const student = DEMO_ACCOUNTS.find((a) => a.email === 'student1@epoch.test')!;
const otherStudent = DEMO_ACCOUNTS.find((a) => a.email === 'student2@epoch.test')!;

describe('the wait before Submit, the congestion banner and a practice run (real browser, API and grader)', () => {
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let queue: Queue;
  let grader: RunningProcess | undefined;
  let graderDir = '';
  let exerciseId = '';
  const problems: string[] = [];

  async function resetDemoExercise(): Promise<void> {
    const exercise = await api.prisma.exercise.findFirstOrThrow({ where: { slug: EXERCISE, course: { slug: COURSE } } });
    exerciseId = exercise.id;
    await api.prisma.gradingPolicy.update({
      where: { exerciseId: exercise.id },
      data: { minTestAccuracy: 0.7, limitTest: null, requiredEpochs: 30, practiceTrainImages: 5000, practiceEpochs: 3, congestionWaitSeconds: 1800 },
    });
    await api.prisma.submission.deleteMany({ where: { exerciseId: exercise.id, user: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } } });
  }

  async function signedIn(who: { email: string; password: string }): Promise<Page> {
    return signInPage(browser, web.base, who, problems);
  }

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    api = await startApi();
    queue = new Queue(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix: api.prefix });
    await resetDemoExercise();
    graderDir = mkdtempSync(join(tmpdir(), 'epoch-practice-grader-'));
    tinyCifarFolder(join(graderDir, 'images'), 30, 5);
    await prepareCifar10({ source: join(graderDir, 'images'), cacheDir: join(graderDir, 'cifar10') });
    // Practice: 100 images, 2 epochs; the banner above 10 minutes of waiting.
    await api.prisma.gradingPolicy.update({
      where: { exerciseId },
      data: { minTestAccuracy: 0, limitTest: 50, requiredEpochs: null, maxEpochs: 30, practiceTrainImages: 100, practiceEpochs: 2, congestionWaitSeconds: 600 },
    });
    web = await startWeb(api.base);
    browser = await launchChromium();
    // The web build alone takes minutes on a busy machine.
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await grader?.stop();
    await queue?.close();
    await resetDemoExercise().catch(() => undefined);
    if (graderDir) rmSync(graderDir, { recursive: true, force: true });
    await web?.process.stop();
    await api?.stop();
  });

  it('shows the wait and the would-be position beside Submit and Practice run, and a congestion banner when the wait is long', async () => {
    // Another student's three submissions wait (no grader runs yet); one earlier run of the exercise took 400 s.
    const other = new Client(api.base);
    expect((await other.signIn(otherStudent.email, otherStudent.password)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const r = await other.post('/api/submissions', { course: COURSE, exercise: EXERCISE, source: withEpochs(2) });
      expect(r.status).toBe(201);
    }
    const timed = await api.prisma.submission.create({
      data: {
        userId: (await api.prisma.user.findUniqueOrThrow({ where: { email: otherStudent.email } })).id,
        exerciseId,
        source: withEpochs(2),
        status: 'PASSED',
        idempotencyKey: `practice-browser-timed-${api.prefix}`,
        policyVersion: 1,
        finishedAt: new Date(),
      },
    });
    await api.prisma.result.create({
      data: {
        submissionId: timed.id,
        attempt: 1,
        testAccuracy: 0.5,
        testLoss: 1,
        perClassAccuracy: [],
        confusionMatrix: [],
        backend: 'wasm',
        backendVersions: {},
        seed: 42,
        queueWaitMs: 0,
        trainingMs: 395_000,
        evaluationMs: 5_000,
      },
    });

    const page = await signedIn(student);
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    // The student has nothing queued: their first goes behind the other student's first only (round-robin).
    const wait = page.getByTestId('queue-wait');
    await expect
      .poll(() => wait.textContent())
      .toMatch(/Wait for a grader now: about 7 min\. A submission now would be number 2 in the queue \(1 run ahead; 3 waiting/);
    expect(await wait.textContent()).toMatch(
      /A practice run is free: 100 training images, 2 epochs, validation metrics only, after graded runs \(number 4 in the queue now\); 5 of 5 left today\./,
    );
    const banner = page.getByTestId('congestion-banner');
    // 400 s for the one ahead is under the 10-minute threshold: no banner yet.
    expect(await banner.count()).toBe(0);
    await api.prisma.gradingPolicy.update({ where: { exerciseId }, data: { congestionWaitSeconds: 300 } });
    await page.reload();
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/The graders are busy: a submission now would wait about 7 min for a grader \(more than 5 min\)/);
    await page.getByTestId('practice').waitFor();
    await page.getByTestId('summary-table').waitFor();
    await screenshot(page, 'exercise-practice-wait-congestion');
    await page.close();
    // The other student's runs leave the queue before the grader starts (this test's practice run is all it grades).
    for (const s of await api.prisma.submission.findMany({ where: { exerciseId, status: 'QUEUED' } })) {
      await queue.remove(s.id);
      await api.prisma.submission.update({ where: { id: s.id }, data: { status: 'CANCELLED', finishedAt: new Date() } });
    }
  }, 240_000);

  it('runs a practice run from the editor, free of the quota, and marks its result page as practice', async () => {
    grader = startTs('apps/grader/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: api.prefix,
      EPOCH_BACKEND: 'wasm',
      LOG_LEVEL: 'info',
      EPOCH_CIFAR10: join(graderDir, 'images'),
      EPOCH_DATA_DIR: graderDir,
      EPOCH_WORKER_ID: `${api.prefix}-practice-grader`,
    });
    await waitFor(
      async () =>
        /connected to the grading queue/.test(grader!.output()) ? true : grader!.child.exitCode !== null ? Promise.reject(new Error('exited')) : undefined,
      60_000,
      'the grader to start',
    );
    const page = await signedIn(student);
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    const quotaBefore = await page.getByTestId('policy').textContent();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(withEpochs(30));
    await page.getByTestId('summary-table').waitFor();
    const practice = page.getByTestId('practice');
    await expect.poll(() => practice.isEnabled(), { timeout: 20_000 }).toBe(true);
    await practice.click();
    await page.waitForURL('**/submissions/**');
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.getByTestId('practice-badge').waitFor();
    await waitFor(async () => ((await api.prisma.submission.findUniqueOrThrow({ where: { id } })).finishedAt ? true : undefined), 180_000, 'the practice run');
    await page.reload();
    const verdict = page.getByTestId('practice-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/not graded, has no verdict and does not count against your quota/);
    expect(await page.getByTestId('verdict').count()).toBe(0);
    // Two epochs (the practice setting), not the 30 the code asks for.
    expect(await api.prisma.epochMetric.count({ where: { submissionId: id } })).toBe(2);
    await screenshot(page, 'practice-result');
    // The quota is untouched (the policy box says the same); one practice run of today's five is used.
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    expect(await page.getByTestId('policy').textContent()).toBe(quotaBefore);
    expect(await page.getByTestId('queue-wait').textContent()).toMatch(/4 of 5 left today/);
    expect(problems).toEqual([]);
  }, 300_000);
});
