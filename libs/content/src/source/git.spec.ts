import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGitSource, cloneGit, isGitUrl } from './git';

describe('cloneGit (a real git repository on disk)', () => {
  let root: string;
  let repo: string;
  let first = '';
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'epoch-git-'));
    repo = path.join(root, 'course');
    await mkdir(repo);
    git('init', '--quiet', '--initial-branch=main');
    git('config', 'user.email', 'author@epoch.test');
    git('config', 'user.name', 'Author');
    await writeFile(path.join(repo, 'course.yaml'), 'slug: demo\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'first');
    first = git('rev-parse', 'HEAD');
    git('checkout', '--quiet', '-b', 'next');
    await writeFile(path.join(repo, 'course.yaml'), 'slug: demo-next\n');
    git('commit', '--quiet', '-am', 'second');
    git('checkout', '--quiet', 'main');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('clones the default branch or a named one and answers the commit id', async () => {
    const a = path.join(root, 'a');
    expect(await cloneGit(`file://${repo}`, undefined, a, { allowLocal: true })).toBe(first);
    expect(await readFile(path.join(a, 'course.yaml'), 'utf8')).toBe('slug: demo\n');
    const b = path.join(root, 'b');
    expect(await cloneGit(`file://${repo}`, 'next', b, { allowLocal: true })).not.toBe(first);
    expect(await readFile(path.join(b, 'course.yaml'), 'utf8')).toBe('slug: demo-next\n');
  });

  it('says what failed for a missing branch or repository', async () => {
    await expect(cloneGit(`file://${repo}`, 'nope', path.join(root, 'c'), { allowLocal: true })).rejects.toThrow(/cannot clone .* at nope: .*nope/);
    await expect(cloneGit(`file://${root}/missing`, undefined, path.join(root, 'd'), { allowLocal: true })).rejects.toThrow(/cannot clone/);
  });

  it('refuses local repositories unless allowed, transport helpers, and option-like refs', () => {
    expect(() => checkGitSource(`file://${repo}`, undefined, {})).toThrow(/is not a git URL Epoch pulls from/);
    expect(() => checkGitSource('ext::sh%20-c%20touch', undefined, { allowLocal: true })).toThrow(/is not a git URL/);
    expect(() => checkGitSource('https://example.org/a.git', '--upload-pack=touch', {})).toThrow(/not a branch, tag or commit name/);
    expect(() => checkGitSource('https://example.org/a b.git', undefined, {})).toThrow(/spaces or control characters/);
    expect(() => checkGitSource('git@github.com:owner/course.git', 'main', {})).not.toThrow();
  });

  it('recognises git URLs', () => {
    expect(['https://h/x.git', 'git@h:o/x.git', 'ssh://git@h/x', 'file:///srv/x'].every(isGitUrl)).toBe(true);
    expect(isGitUrl('exercises/cifar10-intro')).toBe(false);
  });
});
