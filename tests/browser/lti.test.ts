import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { prepareCifar10 } from '@epoch/datasets';
import { freePort, startTs, waitFor, type RunningProcess } from '../integration/helpers';
import { tinyCifarFolder } from '../integration/grader/grader-harness';
import { createCourse, createUsers, enroll, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from '../integration/api/api-harness';
import { registrationOf, startTestPlatform, type LaunchSpec, type TestPlatform } from '../integration/lti/test-platform';
import { startIdp, type TestIdp } from '../integration/sso/oidc-idp';
import { buildWeb, launchChromium, screenshot, startWeb, watchProblems } from './web-app';

const LEARNER = ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'];
const INSTRUCTOR = ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'];

/**
 * LTI 1.3 in a real browser (Chromium) against the test platform (tests/integration/lti/test-platform.ts), with the
 * built web app, the API and a real grader on tiny data: a student's launch lands on the exercise, the submission is
 * graded and the platform receives the score (AGS); an instructor's Deep Linking launch shows Epoch's picker, whose
 * signed response the platform verifies, and the link it makes opens that exercise. Most launches are top-level (as a
 * platform does with document_target "window"); one starts in an iframe of an LMS page on another site, where the
 * browser keeps cookies out and Epoch's new-window fallback takes over.
 */
describe('LTI launch, submission and grade passback, and Deep Linking (real browser, API, grader, test platform)', () => {
  let platform: TestPlatform;
  let idp: TestIdp & { register: (redirectUri: string) => void };
  let api: ApiUnderTest;
  let web: Awaited<ReturnType<typeof startWeb>>;
  let browser: Browser;
  let grader: RunningProcess | undefined;
  let graderDir = '';
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  const t = tag();
  const context = { id: `browser-ctx-${t}`, title: `LMS course ${t}` };
  /** Console errors, page errors, failed requests and 5xx answers of every page this file opens. */
  const problems: string[] = [];

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const seen = watchProblems(page);
    // The test platform's own pages have no icon: the browser's favicon request there is not Epoch's problem.
    page.on('close', () => problems.push(...seen.filter((p) => !p.includes(`${platform.issuer}/favicon.ico`) && !p.includes(`${lmsPage()}/favicon.ico`))));
    return page;
  }

  /**
   * The LMS's third-party-initiated login (GET, as the spec allows) in the browser: Epoch redirects to the platform's
   * auth endpoint, whose page posts the signed id_token back to Epoch by itself.
   */
  async function launch(page: Page, spec: LaunchSpec): Promise<void> {
    await page.goto(loginUrl(spec));
  }
  function loginUrl(spec: LaunchSpec): string {
    const hint = platform.prepare(spec);
    const q = new URLSearchParams({
      iss: platform.issuer,
      login_hint: hint,
      target_link_uri: `${web.base}/api/lti/launch`,
      client_id: platform.clientId,
      lti_deployment_id: platform.deploymentId,
    });
    return `${web.base}/api/lti/login?${q}`;
  }
  /**
   * The LMS's course page on another site than Epoch's: `localhost` (the platform's server) vs `127.0.0.1` (Epoch), so
   * the frame is cross-site and only SameSite=None cookies reach Epoch inside it.
   */
  const lmsPage = () => `http://localhost:${new URL(platform.issuer).port}`;

  beforeAll(async () => {
    buildWeb(inject('redisPrefix'));
    platform = await startTestPlatform();
    idp = await startIdp();
    // The API's public URL is the web app's (which proxies /api): the launch, the picker and the exercise share it.
    const webPort = await freePort();
    const publicUrl = `http://127.0.0.1:${webPort}`;
    api = await startApi({
      EPOCH_PUBLIC_URL: publicUrl,
      // The LMS's course page that frames Epoch is served from localhost (see lmsPage), not from its issuer's origin.
      EPOCH_FRAME_ANCESTORS: lmsPage(),
      EPOCH_OUTBOX_SWEEP_MS: '500',
      EPOCH_OIDC_ISSUER: idp.issuer,
      EPOCH_OIDC_CLIENT_ID: idp.clientId,
      EPOCH_OIDC_CLIENT_SECRET: idp.clientSecret,
      EPOCH_OIDC_NAME: 'Uni Login',
    });
    idp.register(`${publicUrl}/api/auth/oidc/callback`);
    platform.toolJwksUrl = `${api.base}/api/lti/jwks`;
    users = await createUsers(api.prisma, [
      { key: 'admin', role: 'ADMIN' },
      { key: 'teacher', role: 'INSTRUCTOR' },
    ]);
    // One epoch, any accuracy: the tiny data's run passes, and its counted grade (100) goes to the LMS.
    course = await createCourse(api.prisma, { minTestAccuracy: 0, requiredEpochs: null, maxEpochs: 10, limitTest: 50 });
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    const admin = await signedIn(api.base, users['admin']!);
    const registered = await admin.post('/api/admin/lti/platforms', registrationOf(platform, 'Test LMS'));
    expect(registered.status).toBe(201);

    graderDir = mkdtempSync(join(tmpdir(), 'epoch-lti-grader-'));
    tinyCifarFolder(join(graderDir, 'images'), 20, 5, { signal: false });
    await prepareCifar10({ source: join(graderDir, 'images'), cacheDir: join(graderDir, 'cifar10') });
    web = await startWeb(api.base, {}, webPort);
    browser = await launchChromium();
    grader = startTs('apps/grader/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_QUEUE_PREFIX: api.prefix,
      EPOCH_BACKEND: 'wasm',
      LOG_LEVEL: 'info',
      EPOCH_CIFAR10: join(graderDir, 'images'),
      EPOCH_DATA_DIR: graderDir,
      // The submission page shows the run's plots: the grader stores them where the API reads them.
      EPOCH_ARTIFACT_DIR: api.artifactDir,
      EPOCH_WORKER_ID: `${api.prefix}-lti-grader`,
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
    if (graderDir) rmSync(graderDir, { recursive: true, force: true });
    await web?.process.stop();
    await api?.stop();
    await idp?.stop();
    await platform?.stop();
  });

  it("maps a link through Deep Linking: the instructor's launch opens the picker, the platform verifies the signed response, and the link opens the exercise", async () => {
    const page = await newPage();
    await launch(page, { sub: `teacher-${t}`, email: users['teacher']!.email, name: 'Teacher', roles: INSTRUCTOR, context });
    await page.waitForURL(`${web.base}/lti/pick?id=*`);
    const picker = page.getByTestId('lti-picker');
    await picker.waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('Choose the exercise');
    await expect(page.locator('.muted').first().textContent()).resolves.toContain('Test LMS asks which Epoch exercise to add to');
    await page.getByRole('radio', { name: /Dense/ }).check();
    await screenshot(page, 'lti-picker');
    await page.getByRole('button', { name: 'Add to the LMS course' }).click();
    // The picker posts the signed response to the platform's return URL; the platform checks it against Epoch's JWKS.
    await page.waitForURL(`${platform.issuer}/deep-link-return`);
    await expect(page.getByTestId('dl-received').textContent()).resolves.toBe('Deep Linking response received');
    const dl = platform.deepLinkResponses.at(-1)!;
    expect(dl).toMatchObject({
      aud: platform.issuer,
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
      'https://purl.imsglobal.org/spec/lti-dl/claim/data': 'opaque-platform-data-42',
    });
    const [item] = dl['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as { url: string; custom: Record<string, string> }[];
    expect(item).toMatchObject({ url: `${web.base}/api/lti/launch`, custom: { epoch_exercise: course.exerciseId } });
    await page.close();

    // The LMS makes the link with the item's custom parameters: a student's launch of it lands on the exercise.
    const student = await newPage();
    await launch(student, {
      sub: `dl-student-${t}`,
      email: `dl-student-${t}@lms.test`,
      name: 'Dee Ell',
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-dl-${t}`, title: 'Picked in the LMS' },
      custom: item!.custom,
    });
    await student.waitForURL(`${web.base}/courses/${course.courseSlug}/exercises/${course.exercise}`);
    await student.locator('.cm-content').waitFor();
    await expect(student.getByTestId('current-user').textContent()).resolves.toContain('Dee Ell');
    await student.close();
  }, 120_000);

  it('takes a student from the LMS launch to the exercise, grades the submission, and posts the grade to the LMS', async () => {
    const page = await newPage();
    const sub = `student-${t}`;
    await launch(page, {
      sub,
      email: `student-${t}@lms.test`,
      name: 'Stu Dent',
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-graded-${t}`, title: 'Week 1: dense network' },
      custom: { epoch_exercise: course.exerciseId },
    });
    await page.waitForURL(`${web.base}/courses/${course.courseSlug}/exercises/${course.exercise}`);
    await page.locator('.cm-content').waitFor();
    await expect(page.getByTestId('current-user').textContent()).resolves.toContain('Stu Dent');
    await page.getByTestId('summary-table').waitFor();
    await screenshot(page, 'lti-student-exercise');

    // Submit in the editor, as a student does: the solution, trained for one epoch.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(course.solution.replace(/epochs=\d+/, 'epochs=1'));
    const submit = page.getByTestId('submit');
    await expect.poll(() => submit.isEnabled(), { timeout: 30_000 }).toBe(true);
    await submit.click();
    await page.waitForURL('**/submissions/**');
    await page.locator('h1 .status', { hasText: 'Passed' }).waitFor({ timeout: 240_000 });

    // The grade goes to the line item of the launch's link (AGS), through the outbox.
    const lineItem = `${platform.issuer}/ags/${context.id}/lineitems/rl-graded-${t}`;
    await expect.poll(() => platform.scores.get(lineItem)?.length ?? 0, { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    expect(platform.scores.get(lineItem)!.at(-1)).toMatchObject({
      userId: sub,
      scoreGiven: 100,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    await page.close();
  }, 420_000);

  it("launches from inside the LMS page's iframe, across sites: where the browser keeps Epoch's cookies out of the frame, a new window opens the exercise, signed in", async () => {
    const page = await newPage();
    const login = loginUrl({
      sub: `framed-${t}`,
      email: `framed-${t}@lms.test`,
      name: 'Fra Med',
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-framed-${t}`, title: 'Week 1 (in the frame)' },
      custom: { epoch_exercise: course.exerciseId },
    });
    await page.goto(`${lmsPage()}/course-page?tool=${encodeURIComponent(login)}`);
    const frame = page.frameLocator('#tool');
    // Epoch's launch page shows inside the LMS's page (its CSP frame-ancestors names the LMS page's origin, which
    // EPOCH_FRAME_ANCESTORS added to the registered platform's). This Chromium keeps cross-site cookies out of frames
    // (as Safari and Firefox's strict mode do), so the login's state cookie never came back: the frame says so and
    // offers a window of Epoch's own instead of failing.
    await expect(frame.getByTestId('lti-message').textContent()).resolves.toContain("Your browser blocks Epoch's cookies inside the LMS page");
    await screenshot(page, 'lti-in-lms-iframe');
    const [popup] = await Promise.all([page.context().waitForEvent('page'), frame.getByRole('link', { name: 'Open in a new window' }).click()]);
    // The new window repeats the login at the top level, where the cookies are first-party, and opens the exercise.
    await popup.waitForURL(`${web.base}/courses/${course.courseSlug}/exercises/${course.exercise}`, { timeout: 60_000 });
    await popup.locator('.cm-content').waitFor();
    await expect(popup.getByTestId('current-user').textContent()).resolves.toContain('Fra Med');
    await screenshot(popup, 'lti-new-window-from-iframe');
    await popup.close();
    await page.close();
  }, 120_000);

  it('shows the admin LMS page with what to enter in the LMS and the registered platform', async () => {
    const page = await newPage();
    await page.goto(`${web.base}/sign-in`);
    await page.getByLabel('Email').fill(users['admin']!.email);
    await page.getByLabel('Password').fill(users['admin']!.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('current-user').waitFor();
    await page.goto(`${web.base}/admin/lti`);
    await expect(page.getByText(`${web.base}/api/lti/jwks`).count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(page.getByText(platform.issuer).count()).resolves.toBeGreaterThanOrEqual(1);
    await screenshot(page, 'admin-lti');
    await page.close();
  }, 120_000);

  it('offers the OpenID Connect sign-in on the sign-in page', async () => {
    const page = await newPage();
    await page.goto(`${web.base}/sign-in`);
    const button = page.getByTestId('oidc-sign-in');
    await expect(button.textContent()).resolves.toBe('Sign in with Uni Login');
    await screenshot(page, 'oidc-sign-in');
    await page.close();
  }, 60_000);

  it('had no console errors, page errors or failed requests on any page', () => {
    expect(problems).toEqual([]);
  });
});
