import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { fixtureColour, writeCacheFixture } from '@epoch/datasets/testing';
import { DEMO_ACCOUNTS } from '@epoch/db';
import { checkSource } from '@epoch/model-spec';
import { prepareCifar10 } from '@epoch/datasets';
import { root, startTs, waitFor, type RunningProcess } from '../integration/helpers';
import { tinyCifarFolder } from '../integration/grader/grader-harness';
import { startApi, type ApiUnderTest } from '../integration/api/api-harness';
import { buildWeb, launchChromium, loadTime, screenshot, startWeb, watchProblems } from './web-app';

const COURSE = 'cifar10-intro';
const READER_ZONE = 'Asia/Tokyo';
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
/** `labels.length` 32×32 images a reader can tell apart in a screenshot: each class its own colour, shaded and striped. */
function patternImages(labels: readonly number[]): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(labels.length * 32 * 32 * 3);
  labels.forEach((label, n) => {
    const [r, g, b] = fixtureColour(label, 0);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const shade = ((x + y + n) >> 2) % 2 === 0 ? 1 : 0.75 - y / 128;
        images.set(
          [r * shade, g * shade, b * shade].map((v) => Math.round(Math.min(255, v))),
          (n * 1024 + y * 32 + x) * 3,
        );
      }
    }
  });
  return { images, labels: Uint8Array.from(labels) };
}

/** The test labels the course's reference runs saw at positions 0..24: the fixture dataset matches them, so predictions show. */
const referenceLabels = (
  JSON.parse(readFileSync(join(root, 'exercises', COURSE, 'reference-runs', 'dense', 'predictions.json'), 'utf8')) as { label: number }[]
).map((p) => p.label);

async function signIn(page: Page, base: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Waits until every picture of the page's lesson figures has loaded (scrolled into view: they load lazily). */
async function figuresLoaded(page: Page): Promise<void> {
  for (const img of await page.locator('[data-testid^="figure-"] img').all()) {
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0,
      await img.elementHandle(),
    );
  }
  await page.evaluate('window.scrollTo(0, 0)');
}

/** Replaces the editor's whole text the way a paste does (one input, no auto-indent). */
async function setEditorText(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/**
 * A lesson chart follows the lesson's convention ('ro' training = red dots, 'b' validation = blue line), has readable
 * ticks on both axes (more than the two ends) and shows the values of the epoch under the pointer.
 */
async function expectLessonChart(figure: Locator, epochs: number): Promise<void> {
  const chart = figure.locator('.chart');
  expect(await chart.locator('[data-series="training"] circle').count()).toBe(epochs);
  expect(await chart.locator('[data-series="training"]').getAttribute('fill')).toBe('#ff0000');
  expect(await chart.locator('[data-series="validation"] polyline').getAttribute('stroke')).toBe('#0000ff');
  expect(await chart.locator('[data-series="training"] polyline').count()).toBe(0);
  const ticks = await chart.locator('text.tick').allTextContents();
  expect(ticks.filter((t) => t.endsWith('%')).length).toBeGreaterThanOrEqual(4);
  expect(ticks.filter((t) => /^\d+$/.test(t)).length).toBeGreaterThanOrEqual(5);
  await expect(chart.getByTestId('chart-readout').textContent()).resolves.toMatch(
    new RegExp(`^Last epoch ${epochs}: training \\d+\\.\\d%, validation \\d+\\.\\d%$`),
  );
  // Pointing at the left edge reads epoch 1.
  const box = (await chart.locator('svg rect').last().boundingBox())!;
  await chart
    .locator('svg rect')
    .last()
    .hover({ position: { x: 2, y: box.height / 2 } });
  await expect(chart.getByTestId('chart-readout').textContent()).resolves.toMatch(/^Epoch 1: training \d+\.\d%, validation \d+\.\d%$/);
  await figure.page().mouse.move(0, 0);
}

/** No code block of the page is cut off: every line fits (wrapping) or the block scrolls. */
async function codeBlocksReadable(page: Page): Promise<void> {
  expect(await page.locator('pre.code-block .tok-string, pre.code-block .tok-keyword').count()).toBeGreaterThan(0);
  const cut = await page.evaluate<string[]>(
    `[...document.querySelectorAll('pre')].filter((p) => p.scrollWidth > p.clientWidth + 1 && getComputedStyle(p).overflowX !== 'auto').map((p) => p.textContent.slice(0, 40))`,
  );
  expect(cut).toEqual([]);
  const overflowing = await page.evaluate<string[]>(
    `[...document.querySelectorAll('pre')].filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.textContent.slice(0, 40))`,
  );
  expect(overflowing).toEqual([]);
}

describe('web app in a real browser (built app, real API, Postgres, Redis and grader)', () => {
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[];
  let submissionId = '';
  let dataDir = '';
  let graderDir = '';
  let grader: RunningProcess | undefined;
  /** The graded submission's test accuracy as the pages show it (e.g. `12.0%`). */
  let shownAccuracy = '';

  async function resetDemoExercise(): Promise<void> {
    const exercise = await api.prisma.exercise.findFirstOrThrow({ where: { slug: EXERCISE, course: { slug: COURSE } } });
    await api.prisma.gradingPolicy.update({ where: { exerciseId: exercise.id }, data: { minTestAccuracy: 0.7, limitTest: null } });
    await api.prisma.submission.deleteMany({ where: { exerciseId: exercise.id, user: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } } });
  }

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    // A small prepared CIFAR-10 of the API's own, so the lesson's data figures do not depend on this machine's data.
    dataDir = mkdtempSync(join(tmpdir(), 'epoch-web-data-'));
    const classes = (n: number, from: number) => Array.from({ length: n }, (_, i) => (i * 3 + from) % 10);
    await writeCacheFixture(join(dataDir, 'cifar10'), {
      train: patternImages(classes(30, 0)),
      validation: patternImages(classes(5, 1)),
      test: patternImages(referenceLabels),
    });
    api = await startApi({ EPOCH_SSE_POLL_MS: '100', EPOCH_DATA_DIR: dataDir });
    // The run's database is shared by every test file: start from a known state of the demo exercise.
    await resetDemoExercise();
    // Data for a real grader (started when the submission is in): a tiny noise-only CIFAR-10 (its model cannot reach
    // 100%, so a raised pass mark can fail it). The pass mark starts at 0 so the first grading passes; 50 validation/test images.
    graderDir = mkdtempSync(join(tmpdir(), 'epoch-web-grader-'));
    tinyCifarFolder(join(graderDir, 'images'), 20, 5, { signal: false });
    await prepareCifar10({ source: join(graderDir, 'images'), cacheDir: join(graderDir, 'cifar10') });
    const exercise = await api.prisma.exercise.findFirstOrThrow({ where: { slug: EXERCISE, course: { slug: COURSE } } });
    await api.prisma.gradingPolicy.update({ where: { exerciseId: exercise.id }, data: { minTestAccuracy: 0, limitTest: 50 } });

    web = await startWeb(api.base);
    browser = await launchChromium();
    // A reader far from UTC: times must show in this zone, not the server's.
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: READER_ZONE });
    page = await ctx.newPage();
    problems = watchProblems(page);
    // `next build` alone takes minutes on a busy 2-core machine.
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await grader?.stop();
    await resetDemoExercise().catch(() => undefined);
    if (graderDir) rmSync(graderDir, { recursive: true, force: true });
    await web?.process.stop();
    await api?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the course page and a lesson step from the database, each under 2 s', async () => {
    const course = await api.prisma.course.findUniqueOrThrow({
      where: { slug: COURSE },
      include: { lessons: { include: { steps: { orderBy: { position: 'asc' } } } } },
    });
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

  it("shows the lesson's data figures: training images from the dataset, the reference run's curve, predictions and feature maps", async () => {
    const step = (slug: string) => `${web.base}/courses/${COURSE}/image-classification/${slug}`;
    await page.goto(step('viewing-pictures'));
    const grid = page.getByTestId('figure-training-grid');
    expect(await grid.getAttribute('data-status')).toBe('ready');
    await figuresLoaded(page);
    const img = grid.locator('img');
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(Number(await img.getAttribute('width')));
    await expect(img.getAttribute('alt')).resolves.toMatch(/^25 CIFAR-10 training images: airplane, cat, frog, truck, bird/);
    await expect(grid.locator('figcaption').textContent()).resolves.toMatch(
      /^25 training images with their labels\. The first 25 images of the lesson's training split, read from this server's copy of CIFAR-10/,
    );
    expect(await loadTime(page)).toBeLessThan(2000);
    await screenshot(page, 'lesson-training-grid');

    await page.goto(step('training-and-accuracy'));
    const curve = page.getByTestId('figure-accuracy-curve');
    expect(await curve.getAttribute('data-status')).toBe('ready');
    await expect(curve.locator('figcaption').last().textContent()).resolves.toMatch(
      /cifar10-dense\/solution\.py: 10 epochs .* 37\.4% on the 10,000 test images/,
    );
    await expectLessonChart(curve, 10);
    // The step links to the exercise it introduces.
    expect(await page.locator(`article a[href="/courses/${COURSE}/exercises/cifar10-dense"]`).count()).toBeGreaterThan(0);
    await codeBlocksReadable(page);
    await screenshot(page, 'lesson-accuracy-curve');

    // The first CNN: the step links to its exercise.
    await page.goto(step('first-cnn'));
    expect(await page.locator(`article a[href="/courses/${COURSE}/exercises/cifar10-cnn"]`).count()).toBe(1);
    await codeBlocksReadable(page);
    await screenshot(page, 'lesson-first-cnn');

    // Overfitting: the first CNN's curves from its reference run, training far above validation.
    await page.goto(step('overfitting'));
    const overfit = page.getByTestId('figure-accuracy-curve');
    expect(await overfit.getAttribute('data-status')).toBe('ready');
    await expect(overfit.locator('figcaption').last().textContent()).resolves.toMatch(
      /^Training and validation accuracy of model2\. Epoch's reference run of cifar10-cnn\/solution\.py: 10 epochs on the full training data/,
    );
    await expectLessonChart(overfit, 10);
    await screenshot(page, 'lesson-overfitting');

    // Pooling on real feature-map numbers, and dropout masking units.
    await page.goto(step('pooling-and-dropout'));
    const pooling = page.getByTestId('figure-max-pooling');
    expect(await pooling.getAttribute('data-status')).toBe('ready');
    expect(await pooling.locator('.pool-grid').first().locator('td').count()).toBe(16);
    expect(await pooling.locator('.pool-result td').count()).toBe(4);
    expect(await pooling.locator('.pool-grid').first().locator('td.pool-max').count()).toBeGreaterThanOrEqual(4);
    await expect(pooling.locator('figcaption').textContent()).resolves.toMatch(/Sixteen real values of feature map \d+ of layer conv2d/);
    const dropout = page.locator('article img[src$="/dropout.svg"]');
    await expect(dropout.getAttribute('alt')).resolves.toMatch(/^Dropout\(0\.5\)/);
    await figuresLoaded(page);
    await dropout.scrollIntoViewIfNeeded();
    expect(await dropout.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'lesson-pooling-dropout');

    // The exercise step: a real link to the exercise, model3's curves and its prediction grid.
    await page.goto(step('exercise'));
    expect(await page.getByRole('link', { name: 'Open the cifar10-model3 exercise' }).getAttribute('href')).toBe(`/courses/${COURSE}/exercises/cifar10-model3`);
    const model3Curve = page.getByTestId('figure-accuracy-curve');
    await expect(model3Curve.locator('figcaption').last().textContent()).resolves.toMatch(/cifar10-model3\/solution\.py: 30 epochs/);
    await expectLessonChart(model3Curve, 30);
    const model3Grid = page.getByTestId('figure-prediction-grid');
    expect(await model3Grid.getAttribute('data-status')).toBe('ready');
    await expect(model3Grid.locator('figcaption').textContent()).resolves.toMatch(/^Predictions of model3 on 25 test images\./);
    await figuresLoaded(page);
    await codeBlocksReadable(page);
    await screenshot(page, 'lesson-exercise');

    await page.goto(step('predictions'));
    await figuresLoaded(page);
    await expect(page.getByTestId('figure-prediction-grid').locator('figcaption').textContent()).resolves.toMatch(/\d+ of these 25 are right/);

    await page.goto(step('feature-maps'));
    await figuresLoaded(page);
    expect(await page.getByTestId('figure-feature-maps').locator('img').count()).toBe(3);
    await screenshot(page, 'lesson-feature-maps');
  });

  it('says clearly, instead of breaking the page, when the dataset is not prepared, and shows the figure once it is', async () => {
    const manifest = join(dataDir, 'cifar10', 'manifest.json');
    renameSync(manifest, `${manifest}.away`);
    try {
      await page.goto(`${web.base}/courses/${COURSE}/image-classification/viewing-pictures`);
      const figure = page.getByTestId('figure-training-grid');
      expect(await figure.getAttribute('data-status')).toBe('unavailable');
      await expect(figure.textContent()).resolves.toMatch(/not prepared on this server yet\. An administrator can prepare it with \.\/epoch data prepare/);
      expect(await figure.locator('code').textContent()).toBe('./epoch data prepare');
      expect(await page.locator('article img').count()).toBe(0);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Looking at the pictures');
      await screenshot(page, 'lesson-figure-unavailable');
    } finally {
      renameSync(`${manifest}.away`, manifest);
    }
    await page.reload();
    expect(await page.getByTestId('figure-training-grid').getAttribute('data-status')).toBe('ready');
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

  it('can be used with the keyboard alone: a skip link, a visible focus ring, and sign-in by Tab and Enter', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    await p.goto(`${web.base}/sign-in`);
    // Runs in the page (the tests are compiled without the DOM's types).
    type TFocusable = { tagName: string; textContent: string | null; getAttribute: (n: string) => string | null };
    type TPage = { document: { activeElement: TFocusable | null }; getComputedStyle: (el: TFocusable) => { outlineStyle: string } };
    const focused = () =>
      p.evaluate(() => {
        const w = globalThis as unknown as TPage;
        const el = w.document.activeElement;
        return {
          tag: el?.tagName ?? '',
          name: el?.getAttribute('name') ?? el?.textContent?.trim() ?? '',
          outline: el ? w.getComputedStyle(el).outlineStyle : 'none',
        };
      });
    await p.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'A', name: expect.stringMatching(/skip/i) });
    // Tab on to the email field, typing as a person would.
    for (let i = 0; i < 10 && (await focused()).name !== 'email'; i++) await p.keyboard.press('Tab');
    const email = await focused();
    expect(email).toMatchObject({ tag: 'INPUT', name: 'email' });
    expect(email.outline).not.toBe('none');
    await p.keyboard.type(student.email);
    await p.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'INPUT', name: 'password' });
    await p.keyboard.type(student.password);
    await p.keyboard.press('Enter');
    await p.getByTestId('current-user').waitFor();
    await expect(p.getByTestId('current-user').textContent()).resolves.toBe(student.name);
    await other.close();
  });

  it('sends an exercise page to sign-in when signed out, and back afterwards', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    await p.waitForURL('**/sign-in?next=**');
    await p.getByLabel('Email').fill(student.email);
    await p.getByLabel('Password').fill(student.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`**/courses/${COURSE}/exercises/${EXERCISE}`);
    await other.close();
  });

  it('checks the code while typing: a broken line is underlined and blocks Submit, the fix enables it', async () => {
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
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
    // The cost preview: the model's training cost against the exercise's limits, and the time it would take now.
    await expect(page.getByTestId('cost-preview').textContent()).resolves.toMatch(/Multiply-adds per image.*Training work.*Estimated training time/);
    // The editor takes the room the page has and cuts no line off: long lines wrap.
    const [editorWidth, layoutWidth] = await Promise.all([
      page.getByTestId('code-editor').evaluate((el) => (el as unknown as { clientWidth: number }).clientWidth),
      page.locator('.editor-layout').evaluate((el) => (el as unknown as { clientWidth: number }).clientWidth),
    ]);
    expect(editorWidth / layoutWidth).toBeGreaterThan(0.6);
    expect(await page.locator('.cm-content.cm-lineWrapping').count()).toBe(1);
    expect(
      await page
        .locator('.cm-scroller')
        .evaluate((el) => (el as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth - (el as unknown as { clientWidth: number }).clientWidth),
    ).toBeLessThanOrEqual(1);
    // Highlighted like the lesson's code blocks (the same token classes).
    expect(await page.locator('.cm-content .tok-string').count()).toBeGreaterThan(0);
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
    // Submitted at, in the reader's own time zone.
    const submitted = page.locator('article > p.muted time');
    await page.locator('article > p.muted time[data-local="true"]').waitFor();
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone: READER_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(row.createdAt);
    await expect(submitted.textContent()).resolves.toMatch(new RegExp(`^\\w{3} \\d{1,2} \\w{3} \\d{4}, ${clock}$`));
    expect(await submitted.getAttribute('dateTime')).toBe(row.createdAt.toISOString());
    await screenshot(page, 'submission-queued');
  });

  it('keeps the live page through an API restart: it says "reconnecting…", keeps what it showed, and resumes', async () => {
    await page.evaluate('window.__samePage = true');
    const before = problems.length;
    await api.restart(async () => {
      await page.getByTestId('reconnecting').waitFor({ timeout: 20_000 });
      await expect(page.getByTestId('reconnecting').textContent()).resolves.toMatch(/reconnecting…/);
      // What the page showed stays: the status and the progress.
      await expect(page.getByTestId('status').textContent()).resolves.toMatch(/Queued|Received/);
      expect(await page.getByTestId('epoch-count').textContent()).toBe('0 of 30 epochs');
      await screenshot(page, 'submission-reconnecting');
    });
    await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.getByTestId('live-training').getAttribute('data-connection')).toBe('live');
    // The same document (no reload, no browser error page).
    expect(await page.evaluate('window.__samePage === true')).toBe(true);
    // While the API was down, the stream's reconnect attempts were answered 502 by the web server: expected, nothing else.
    const outage = problems.splice(before);
    expect(outage.filter((x) => !/\/events|status of 502|ERR_INCOMPLETE_CHUNKED_ENCODING|EventSource/.test(x))).toEqual([]);
  }, 150_000);

  it('draws epochs as they arrive from the real grader and shows pass/fail with every plot when graded', async () => {
    // The grader starts only now, so the page above saw the submission queued.
    grader = startTs('apps/grader/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: api.prefix,
      EPOCH_BACKEND: 'wasm',
      LOG_LEVEL: 'info',
      EPOCH_CIFAR10: join(graderDir, 'images'),
      EPOCH_DATA_DIR: graderDir,
      // The plots and weights go where the API reads them.
      EPOCH_ARTIFACT_DIR: api.artifactDir,
      EPOCH_GRADER_PROGRESS_BATCHES: '1',
      EPOCH_WORKER_ID: `${api.prefix}-web-grader`,
    });
    await waitFor(
      async () =>
        /connected to the grading queue/.test(grader!.output()) ? true : grader!.child.exitCode !== null ? Promise.reject(new Error('exited')) : undefined,
      60_000,
      'the grader to start',
    );
    await page.getByTestId('status').filter({ hasText: 'Training' }).waitFor({ timeout: 90_000 });
    // Live: the page shows epochs while the run is still going (some, not yet all 30).
    await page
      .getByTestId('epoch-count')
      .filter({ hasText: /^([1-9]|1\d|2\d) of 30 epochs/ })
      .waitFor({ timeout: 90_000 });
    // The attempts table follows the live status too.
    await page.getByTestId('history').locator('tr[aria-current="true"] .status').filter({ hasText: 'Training' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.chart polyline').count()).toBeGreaterThan(0);
    // The live charts show values: the last epoch's numbers in a table and under each chart.
    await expect(page.getByTestId('last-epoch').textContent()).resolves.toMatch(/^Epoch \d+ of 30.*Training\d+\.\d%\d+\.\d{3}Validation\d+\.\d%\d+\.\d{3}$/);
    await expect(page.getByTestId('chart-readout').first().textContent()).resolves.toMatch(/^Last epoch \d+: training \d+\.\d%, validation \d+\.\d%$/);
    await screenshot(page, 'submission-running');
    await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
    // Everything since the API restart came through the resumed stream: still the same document.
    expect(await page.evaluate('window.__samePage === true')).toBe(true);
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { result: true } });
    expect(row.status).toBe('PASSED');
    expect(row.result?.backend).toBe('wasm');
    expect(await api.prisma.epochMetric.count({ where: { submissionId } })).toBe(30);
    shownAccuracy = `${(100 * row.result!.testAccuracy).toFixed(1)}%`;
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(new RegExp(`^Passed: test accuracy ${shownAccuracy.replace('.', '\\.')}`));
    // Every plot the grader stored is on the page and decodes.
    const stored = await api.prisma.artifact.count({ where: { submissionId, contentType: 'image/png' } });
    expect(stored).toBeGreaterThanOrEqual(7);
    const imgs = page.locator('.plots img');
    await expect.poll(() => imgs.count(), { timeout: 10_000 }).toBe(stored);
    for (const img of await imgs.all()) {
      await img.scrollIntoViewIfNeeded();
      await expect
        .poll(
          () =>
            img.evaluate(
              (el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth,
            ),
          { timeout: 10_000 },
        )
        .toBeGreaterThan(100);
    }
    await screenshot(page, 'submission-result');

    // Sections in order, titled in words; every plot described by its alt text.
    const sections = await page
      .locator('[data-testid="result"] [data-section]')
      .evaluateAll((els) => els.map((el) => (el as unknown as { getAttribute: (n: string) => string }).getAttribute('data-section')));
    expect(sections).toEqual(['curves', 'per-class', 'confusion', 'predictions', 'mistakes', 'feature-maps', 'model']);
    const captions = await page.locator('.plots figcaption').allTextContents();
    expect(captions).toEqual(
      expect.arrayContaining(['Feature maps of conv2d', 'Feature maps of conv2d_1', 'Feature maps of conv2d_2', 'Confusion matrix of the test images']),
    );
    for (const alt of await imgs.evaluateAll((els) => els.map((el) => (el as unknown as { alt: string }).alt))) expect(alt.length).toBeGreaterThan(60);

    // Any plot opens full size: a lightbox with next/previous (buttons and arrow keys), a download link, Escape closes.
    const thumbs = page.locator('button.plot-open');
    const count = await thumbs.count();
    expect(count).toBe(stored);
    const box = page.getByTestId('lightbox');
    await thumbs.nth(0).click();
    await box.waitFor();
    await expect(page.getByTestId('lightbox-position').textContent()).resolves.toBe(`1 of ${count}`);
    await expect(box.locator('h2').textContent()).resolves.toBe(captions[0]);
    const full = box.locator('.lightbox-image img');
    await expect.poll(() => full.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(500);
    // Shown at its own size (the window allowing), larger than its thumbnail.
    const natural = await full.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth);
    expect((await full.boundingBox())!.width).toBeGreaterThanOrEqual(Math.min(natural, 1100) - 2);
    expect((await full.boundingBox())!.width).toBeGreaterThan((await thumbs.nth(0).boundingBox())!.width * 1.5);
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('lightbox-position').textContent()).resolves.toBe(`2 of ${count}`);
    await box.getByRole('button', { name: 'Next plot' }).click();
    await expect(page.getByTestId('lightbox-position').textContent()).resolves.toBe(`3 of ${count}`);
    await box.getByRole('button', { name: 'Previous plot' }).click();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('lightbox-position').textContent()).resolves.toBe(`1 of ${count}`);
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('lightbox-position').textContent()).resolves.toBe(`${count} of ${count}`);
    await expect(box.locator('h2').textContent()).resolves.toBe(captions[count - 1]);
    const download = box.getByRole('link', { name: 'Download PNG' });
    expect(await download.getAttribute('download')).toMatch(/\.png$/);
    const png = await page.request.get(`${web.base}${await download.getAttribute('href')}`);
    expect([png.status(), png.headers()['content-type']]).toEqual([200, 'image/png']);
    await screenshot(page, 'submission-lightbox', { fullPage: false });
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'hidden' });
    // The focus goes back to the thumbnail that opened it.
    expect(await thumbs.nth(0).evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(
      true,
    );

    // The trained model, to download: tfjs layers format, model.json naming weights.bin, with every weight in it.
    const weights = page.getByTestId('weights');
    expect(await weights.getByRole('link').allTextContents()).toEqual(['model.json', 'weights.bin']);
    const modelJson = (await (await page.request.get(`${web.base}${await weights.getByRole('link', { name: 'model.json' }).getAttribute('href')}`)).json()) as {
      modelTopology: unknown;
      weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[];
    };
    expect(modelJson.modelTopology).toBeTruthy();
    expect(modelJson.weightsManifest.map((m) => m.paths)).toEqual([['weights.bin']]);
    const bin = await page.request.get(`${web.base}${await weights.getByRole('link', { name: 'weights.bin' }).getAttribute('href')}`);
    const params = modelJson.weightsManifest[0]!.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(params).toBe(checkSource(solution).summary!.totalParams);
    expect((await bin.body()).length).toBe(params * 4);
    // The grader is not needed further down (re-training is only queued there).
    expect(await grader?.stop()).toBe(0);
    grader = undefined;
  });

  it("answers 'not found' to another student opening this result", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await signIn(p, web.base, otherStudent);
    const res = await p.goto(`${web.base}/submissions/${submissionId}`);
    expect(res?.status()).toBe(404);
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
    await p.locator(`a[href="/courses/${COURSE}/exercises/${EXERCISE}/results"]`).click();
    await p.waitForURL(`**/courses/${COURSE}/exercises/${EXERCISE}/results`);
    const row = p.getByTestId('class-table').locator('tr', { hasText: student.email });
    await expect(row.textContent()).resolves.toContain(shownAccuracy);
    await expect(row.textContent()).resolves.toMatch(/yes/);
    await p.getByLabel('Show').selectOption('not-passed');
    expect(await p.getByTestId('class-table').locator('tbody tr', { hasText: student.email }).count()).toBe(0);
    await p.getByLabel('Show').selectOption('all');
    await p.getByRole('button', { name: 'Re-decide latest results' }).click();
    await expect(p.getByTestId('regrade-message').textContent()).resolves.toMatch(/0 changed, 1 unchanged \(already PASSED\)/);
    await screenshot(p, 'class-results');
    const csv = await p.request.get(
      await p
        .getByRole('link', { name: 'Export CSV' })
        .getAttribute('href')
        .then((h) => `${web.base}${h}`),
    );
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/attachment/);
    expect(await csv.text()).toContain(student.email);
    await row.getByRole('link', { name: 'latest' }).click();
    await p.waitForURL(`**/submissions/${submissionId}`);
    await expect(p.getByTestId('verdict').textContent()).resolves.toMatch(/^Passed/);
    // Staff see whose submission this is; its owner is not told their own name.
    await expect(p.getByTestId('submission-owner').textContent()).resolves.toBe(`Submitted by ${student.name} (${student.email})`);
    expect(await page.getByTestId('submission-owner').count()).toBe(0);
    // Staff may train a finished submission again from here (used further down); its owner may not.
    expect(await p.getByRole('button', { name: 'Re-train this submission' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Re-train this submission' }).count()).toBe(0);
    expect(seen).toEqual([]);
    await other.close();
  });

  it("lets an admin raise the pass mark, with field messages, and the student's result flips to failed without retraining", async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    const seen = watchProblems(p);
    await signIn(p, web.base, admin);
    await p.goto(`${web.base}/courses/${COURSE}`);
    await p.locator(`a[href="/courses/${COURSE}/exercises/${EXERCISE}/policy"]`).click();
    await p.waitForURL(`**/courses/${COURSE}/exercises/${EXERCISE}/policy`);
    const mark = p.getByLabel('Pass mark (% test accuracy)');
    await mark.fill('120');
    await p.getByRole('button', { name: 'Save policy' }).click();
    await expect(p.locator('#p-minTestAccuracy-error').textContent()).resolves.toBe('must be between 0 and 100');
    await mark.fill('75');
    await p.getByRole('button', { name: 'Save policy' }).click();
    await expect(p.getByTestId('policy-message').textContent()).resolves.toMatch(/1 result changed from passed to failed/);
    // The change history gains the new version at the top: who, and the old and new pass mark.
    const newest = p.getByTestId('policy-history').locator('tbody tr').first();
    await p.getByTestId('policy-history').locator('tr[data-version="2"]').waitFor();
    await expect(newest.textContent()).resolves.toMatch(new RegExp(`^2.*${admin.name}${admin.email}Pass mark: 0\\.0% → 75\\.0%$`));
    await expect(p.getByTestId('policy-history').locator('tbody tr').last().textContent()).resolves.toMatch(/^1.*the course files \(seed\)First version/);
    await expect(p.locator('article > p.muted').nth(1).textContent()).resolves.toMatch(/^Version 2, last changed/);
    await screenshot(p, 'policy-editor');
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: submissionId } })).status).toBe('FAILED');
    expect(await api.prisma.epochMetric.count({ where: { submissionId } })).toBe(30);
    expect(seen).toEqual([]);
    await other.close();

    await page.reload();
    await expect(page.getByTestId('verdict').textContent()).resolves.toMatch(
      new RegExp(`^Not passed: test accuracy ${shownAccuracy.replace('.', '\\.')}, the pass mark is 75\\.0%`),
    );
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
    await expect(p.getByTestId('create-user-outcome').textContent()).resolves.toMatch(
      new RegExp(`Created ${email} \\(instructor\\)\\. Initial password, shown only now: \\S{10,}`),
    );
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
    expect(seen.filter((x) => !x.includes('status of 400')).join('\n')).toBe('');
    await other.close();
  });

  it('lets an admin list and create courses, see the enrollment code, assign an instructor and enroll a student', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    const seen = watchProblems(p);
    await signIn(p, web.base, admin);
    await p.getByRole('link', { name: 'Courses', exact: true }).click();
    await p.waitForURL('**/admin/courses');
    await expect(p.getByTestId('courses-table').locator('tr', { hasText: COURSE }).textContent()).resolves.toMatch(/CIFAR10-DEMO\d+\d+3/);

    await p.getByLabel(/^Slug/).fill('Bad Slug!');
    await p.getByLabel('Title').fill('Deep learning, spring term');
    await p.getByRole('button', { name: 'Create course' }).click();
    await expect(p.getByTestId('create-course-outcome').textContent()).resolves.toMatch(/^invalid body:slug: lower-case letters, digits and dashes/);
    const slug = `spring-${Date.now().toString(36)}`;
    await p.getByLabel(/^Slug/).fill(slug);
    await p.getByLabel(/^Enrollment code/).fill(`SPRING-${Date.now().toString(36).toUpperCase()}`);
    await p.getByRole('button', { name: 'Create course' }).click();
    await p
      .getByTestId('create-course-outcome')
      .filter({ hasText: /^Created/ })
      .waitFor();
    await expect(p.getByTestId('create-course-outcome').textContent()).resolves.toMatch(
      new RegExp(`^Created Deep learning, spring term \\(${slug}\\)\\. Students join with the code SPRING-`),
    );
    await p.getByTestId('courses-table').getByRole('link', { name: 'Deep learning, spring term' }).waitFor();
    await screenshot(p, 'admin-courses');
    await p.getByTestId('courses-table').getByRole('link', { name: 'Deep learning, spring term' }).click();
    await p.waitForURL(`**/admin/courses/${slug}`);
    const course = await api.prisma.course.findUniqueOrThrow({ where: { slug } });
    await expect(p.getByTestId('enrollment-code').textContent()).resolves.toBe(course.enrollmentCode);

    await p.getByLabel('Instructor', { exact: true }).selectOption({ label: `${instructor.name} (${instructor.email})` });
    await p.getByRole('button', { name: 'Assign instructor' }).click();
    await expect(p.getByTestId('add-instructor-outcome').textContent()).resolves.toBe(`${instructor.name} is now an instructor of this course.`);
    await p.getByTestId('enrollments-table').locator('tr', { hasText: instructor.email }).waitFor();
    await p.getByLabel('Student', { exact: true }).selectOption({ label: `${otherStudent.name} (${otherStudent.email})` });
    await p.getByRole('button', { name: 'Enroll student' }).click();
    await p.getByTestId('enrollments-table').locator('tr', { hasText: otherStudent.email }).waitFor();
    expect(await p.getByLabel('Student', { exact: true }).inputValue()).toBe('');
    const enrolled = await api.prisma.enrollment.findMany({ where: { courseId: course.id }, include: { user: true } });
    expect(enrolled.map((e) => [e.user.email, e.role]).sort()).toEqual([
      [instructor.email, 'INSTRUCTOR'],
      [otherStudent.email, 'STUDENT'],
    ]);
    // Whoever is in the course is no longer offered.
    expect(await p.getByLabel('Student', { exact: true }).locator('option', { hasText: otherStudent.email }).count()).toBe(0);
    await expect(p.getByTestId('course-summary').textContent()).resolves.toMatch(/1students1instructors0exercises/);
    await screenshot(p, 'admin-course');
    expect(seen.filter((x) => !x.includes('status of 400')).join('\n')).toBe('');
    await other.close();
    await api.prisma.course.delete({ where: { id: course.id } });
  });

  it('lets staff train a finished submission again, from its result page and from the class table', async () => {
    // A second finished submission (another student's) for the result page's button.
    const [exercise, kim] = await Promise.all([
      api.prisma.exercise.findFirstOrThrow({ where: { slug: EXERCISE, course: { slug: COURSE } } }),
      api.prisma.user.findUniqueOrThrow({ where: { email: otherStudent.email } }),
    ]);
    const spec = checkSource(solution).spec!;
    const policy = await api.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: exercise.id } });
    const kims = await api.prisma.submission.create({
      data: {
        userId: kim.id,
        exerciseId: exercise.id,
        source: solution,
        idempotencyKey: `web-${Date.now()}`,
        policyVersion: policy.version,
        status: 'FAILED',
        modelSpec: spec,
        finishedAt: new Date(),
        result: {
          create: {
            testAccuracy: 0.52,
            testLoss: 1.3,
            perClassAccuracy: [],
            confusionMatrix: [],
            attempt: 1,
            backend: 'wasm',
            backendVersions: {},
            seed: 42,
            queueWaitMs: 0,
            trainingMs: 1000,
            evaluationMs: 100,
          },
        },
      },
    });
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await other.newPage();
    const seen = watchProblems(p);
    p.on('dialog', (d) => {
      void d.accept();
    });
    await signIn(p, web.base, instructor);
    await p.goto(`${web.base}/submissions/${kims.id}`);
    await expect(p.getByTestId('submission-owner').textContent()).resolves.toBe(`Submitted by ${kim.name} (${kim.email})`);
    await screenshot(p, 'submission-staff');
    await p.getByRole('button', { name: 'Re-train this submission' }).click();
    await p
      .getByTestId('status')
      .filter({ hasText: /Queued/ })
      .waitFor();
    expect(await api.prisma.submission.findUniqueOrThrow({ where: { id: kims.id }, include: { result: true } })).toMatchObject({
      status: 'QUEUED',
      result: null,
    });
    expect(await p.getByRole('button', { name: 'Re-train this submission' }).count()).toBe(0);

    await p.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}/results`);
    const retrain = p.getByRole('button', { name: /^Re-train selected/ });
    expect(await retrain.isDisabled()).toBe(true);
    await p.getByLabel(`Select ${student.name}'s latest submission for re-training`).check();
    await expect(retrain.textContent()).resolves.toBe('Re-train selected (1)');
    await retrain.click();
    await expect(p.getByTestId('regrade-message').textContent()).resolves.toBe(
      'Queued 1 submission for re-training; its old result is replaced when the grader finishes.',
    );
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: submissionId } })).status).toBe('QUEUED');
    expect(await api.prisma.epochMetric.count({ where: { submissionId } })).toBe(30);
    expect(await api.prisma.auditLog.count({ where: { action: 'submission.regrade.retrain', entityId: exercise.id } })).toBe(2);
    // The table no longer shows the discarded result, and gives no verdict before there is one: the status instead.
    await p.getByTestId('class-table').locator('tr', { hasText: student.email }).filter({ hasNotText: shownAccuracy }).waitFor();
    await expect(p.getByTestId('class-table').locator('tr', { hasText: student.email }).getByTestId('passed-cell').textContent()).resolves.toBe('Queued');
    await screenshot(p, 'class-results-retrain');
    expect(seen).toEqual([]);
    await other.close();
  });

  it("answers HTTP 404 (with the not-found page) for addresses that do not exist or are not the reader's", async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    for (const path of [`/courses/no-such-course`, `/courses/${COURSE}/image-classification/no-such-step`, '/no/such/page']) {
      const res = await p.goto(`${web.base}${path}`);
      expect([path, res?.status()]).toEqual([path, 404]);
      await expect(p.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
    }
    expect((await p.goto(`${web.base}/courses/${COURSE}`))?.status()).toBe(200);
    await signIn(p, web.base, admin);
    expect((await p.goto(`${web.base}/admin/courses/no-such-course`))?.status()).toBe(404);
    await other.close();
  });

  it('shows that a page is loading while the server renders it', async () => {
    await page.goto(`${web.base}/courses/${COURSE}`);
    // Hold the next page's server answer back a little, so the loading state can be seen.
    await page.route('**/image-classification/**', async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue().catch(() => undefined); // the page may have moved on and dropped the request meanwhile
    });
    await page.locator('ol.steps a').first().click();
    await page.getByTestId('nav-progress').waitFor();
    await expect(page.getByTestId('nav-progress').textContent()).resolves.toBe('Loading…');
    await page.waitForURL('**/image-classification/**');
    await page.getByTestId('nav-progress').waitFor({ state: 'detached' });
    await page.unrouteAll({ behavior: 'wait' });
  });

  it('shows a student no policy editor', async () => {
    const before = problems.length;
    const res = await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}/policy`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
    // The 404 is the point here; the browser logs it as a failed resource.
    problems.splice(before, problems.length - before, ...problems.slice(before).filter((x) => !x.includes('status of 404')));
  });

  it('is readable at phone width (no sideways scrolling) and signs out', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${web.base}/courses/${COURSE}/exercises/${EXERCISE}`);
    await page.getByTestId('summary-table').waitFor();
    await screenshot(page, 'exercise-phone');
    // Anything wider than the screen, named, so a failure says what to fix.
    const tooWide = await page.evaluate<string[]>(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll, .cm-scroller, .summary-pane, pre')).map((e) => e.tagName + '.' + e.className).slice(0, 5)`,
    );
    expect(tooWide).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('current-user').count()).toBe(0);
  });

  it('sends its security headers: a CSP whose nonce is on every script of the page, no framing, nosniff, a Referrer-Policy', async () => {
    const pages = [`/courses/${COURSE}`, '/sign-in'];
    const nonces = new Set<string>();
    for (const path of pages) {
      const res = await fetch(`${web.base}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, `${path}: ${csp}`).toBeDefined();
      nonces.add(nonce!);
      expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size, 'a fresh nonce per page').toBe(pages.length);
    // The proxied API keeps its own security headers.
    const health = await fetch(`${web.base}/api/health`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(health.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it("keys the API's sign-in limit on the browser's address: X-Forwarded-For sent to the web is replaced, so rotating it gains nothing", async () => {
    const redis = new Redis(inject('redisUrl'));
    const clearLimit = async () => {
      const keys = await redis.keys(`${api.prefix}:epoch:login-rate:*`);
      if (keys.length > 0) await redis.del(...keys);
    };
    try {
      await clearLimit();
      const signInVia = (ip: string, body: { email: string; password: string }) =>
        fetch(`${web.base}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify(body),
        });
      // The session records the address the API saw: the browser's socket, not the forged header.
      expect((await signInVia('203.0.113.77', { email: student.email, password: student.password })).status).toBe(200);
      const session = await api.prisma.session.findFirstOrThrow({ where: { user: { email: student.email } }, orderBy: { createdAt: 'desc' } });
      expect(session.ip).toBe('127.0.0.1');
      let limited = 0;
      for (let i = 0; i < 25; i++) {
        const r = await signInVia(`198.51.100.${i + 1}`, { email: `nobody-${i}@epoch.test`, password: 'whatever' });
        if (r.status === 429) limited++;
      }
      // 20 attempts a minute per address (the default), the successful one above included: the rest are refused.
      expect(limited).toBe(25 - 19);
    } finally {
      await clearLimit();
      redis.disconnect();
    }
  });

  it('had no console errors and no failed requests', () => {
    expect(problems).toEqual([]);
  });
});
