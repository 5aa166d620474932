import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, waitFor, type RunningProcess } from '../helpers';
import { createExercise, createSubmission, enqueue, setUpGraderEnv, source, TINY_CNN, waitForStatus, type GraderEnv } from './grader-harness';

/** The grader as the images and `./epoch up` run it: dist/main.js, which forks dist/train-child.js for every job. */
function startBundled(env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'apps/grader/dist/main.js')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

describe('the bundled grader (apps/grader/dist, as deployed)', () => {
  let g: GraderEnv;
  let grader: RunningProcess | undefined;

  beforeAll(async () => {
    const build = spawnSync('npm', ['run', 'build', '-w', '@epoch/grader'], { cwd: root, encoding: 'utf8' });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
    g = await setUpGraderEnv('bundle');
  }, 180_000);
  afterAll(async () => {
    if (grader?.child.exitCode === null) grader.child.kill('SIGKILL');
    await g?.cleanup();
  });

  it('builds the training child beside main.js and grades a submission in it', async () => {
    expect(existsSync(join(root, 'apps/grader/dist/train-child.js'))).toBe(true);
    grader = startBundled(g.env);
    await waitFor(async () => (/connected to the grading queue/.test(grader!.output()) ? true : undefined), 120_000, `the bundled grader\n${grader.output()}`);
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 1 }));
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 120_000, undefined, grader);
    expect(s.status, s.errorMessage ?? '').toBe('PASSED');
    expect(grader.output()).toMatch(/training in a child process/);
    expect(await g.prisma.artifact.count({ where: { submissionId: id, name: 'weights.bin' } })).toBe(1);
    expect(await grader.stop()).toBe(0);
  }, 180_000);
});
