import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, root, waitFor, type RunningProcess } from '../integration/helpers';

export const webDir = join(root, 'apps/web');
export const screenshotDir = join(root, 'test-artifacts/screenshots');

/**
 * Builds the web app as shipped (`next build` and its server, dist/server.js), once per test run (`runId`: the run's
 * unique Redis prefix): the browser test files of one run share the build.
 */
export function buildWeb(runId?: string): void {
  const marker = join(webDir, '.next', 'epoch-test-run');
  if (runId && existsSync(marker) && readFileSync(marker, 'utf8') === runId) return;
  const r = spawnSync('npm', ['run', 'build'], {
    cwd: webDir,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`the web build failed:\n${r.stdout}\n${r.stderr}`);
  if (runId) writeFileSync(marker, runId);
}

/** The built app's server (apps/web/dist/server.js) on a free port, talking to the API at apiBase. */
export async function startWeb(
  apiBase: string,
  env: Record<string, string> = {},
  /** A port chosen beforehand (e.g. for the API's EPOCH_PUBLIC_URL); a free one otherwise. */
  port?: number,
): Promise<{ base: string; process: RunningProcess }> {
  port ??= await freePort();
  const child = spawn(process.execPath, [join(webDir, 'dist/server.js')], {
    cwd: webDir,
    env: { ...process.env, EPOCH_API_URL: apiBase, EPOCH_WEB_PORT: String(port), EPOCH_WEB_HOST: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const proc: RunningProcess = {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/sign-in`)).status === 200 || undefined, 60_000, `the web app on ${base}`);
  } catch (e) {
    await proc.stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${out}`);
  }
  return { base, process: proc };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Console errors, uncaught page errors and failed requests of a page (navigation aborts excepted). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    // The location names the resource when the message is a failed load (Chromium's text does not).
    if (m.type() === 'error') problems.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // Leaving a page aborts its open requests (the SSE stream among them): that is not a failure.
    if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** The whole page (`fullPage`), or only what the window shows (e.g. a dialog over the page). */
export async function screenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage });
}

/** Milliseconds from navigation start to the load event of the page now shown. */
export function loadTime(page: Page): Promise<number> {
  // A string, so this Node-typed project needs no DOM types for code that runs in the browser.
  return page.evaluate<number>(`(() => { const n = performance.getEntriesByType('navigation')[0]; return n ? n.loadEventEnd - n.startTime : NaN; })()`);
}

/**
 * A new browser context signed in through the sign-in page as `who`; the page's problems (console errors, failed
 * requests; `ignore` drops the expected ones) are added to `problems` when the page closes.
 */
export async function signInPage(browser: Browser, base: string, who: { email: string; password: string }, problems: string[], ignore?: RegExp): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const seen = watchProblems(page);
  page.on('close', () => problems.push(...(ignore ? seen.filter((p) => !ignore.test(p)) : seen)));
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').waitFor();
  return page;
}
