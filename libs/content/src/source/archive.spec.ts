import { lstat, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { CONTENT_LIMITS } from '../limits';
import { tarGz, zip, type TArchiveEntry } from '../testing/archives';
import { archiveKind, extractArchive } from './archive';
import { safeEntryPath } from './entry-path';

const small = { ...CONTENT_LIMITS, maxArchiveBytes: 64 * 1024, maxTotalBytes: 100_000, maxEntries: 20, maxFileBytes: 60_000 };
const course: TArchiveEntry[] = [
  { name: 'my-course/', type: 'dir' },
  { name: 'my-course/course.yaml', data: 'slug: demo\n' },
  { name: 'my-course/steps/01-intro.md', data: '# Intro\n' },
];

describe('extractArchive', () => {
  let dest: string;
  beforeEach(async () => {
    dest = path.join(await mkdtemp(path.join(tmpdir(), 'epoch-archive-')), 'out');
  });
  afterEach(async () => {
    await rm(path.dirname(dest), { recursive: true, force: true });
  });
  const refusal = (bytes: Buffer, limits = small) =>
    extractArchive(bytes, dest, limits).then(
      () => 'extracted',
      (e: Error) => e.message,
    );

  for (const [kind, build] of [
    ['zip', zip],
    ['tar.gz', tarGz],
  ] as const) {
    describe(kind, () => {
      it('unpacks plain files and folders', async () => {
        expect(await extractArchive(build(course), dest, small)).toBe(kind);
        expect(await readFile(path.join(dest, 'my-course/steps/01-intro.md'), 'utf8')).toBe('# Intro\n');
      });

      it('refuses path traversal and absolute paths, writing nothing outside', async () => {
        expect(await refusal(build([...course, { name: 'my-course/../../evil.txt', data: 'x' }]))).toMatch(/\.\.|outside the course folder/);
        expect(await refusal(build([{ name: '/etc/evil.txt', data: 'x' }]))).toMatch(/absolute path/);
        await expect(lstat(path.join(path.dirname(dest), 'evil.txt'))).rejects.toThrow();
      });

      it('refuses symbolic links', async () => {
        expect(await refusal(build([...course, { name: 'my-course/figures/a.svg', type: 'symlink', target: '/etc/passwd' }]))).toMatch(
          /"my-course\/figures\/a\.svg" is a symbolic link: course content must be plain files/,
        );
      });

      it('refuses more entries than the limit', async () => {
        const many = Array.from({ length: 25 }, (_, i) => ({ name: `f${i}.md`, data: 'x' }));
        expect(await refusal(build(many))).toMatch(/more than 20 entries/);
      });

      it('refuses a bomb: a small archive that unpacks past the limits, counted while unpacking', async () => {
        const big = Buffer.alloc(80_000, 0x61);
        expect(await refusal(build([{ name: 'a.md', data: big }]))).toMatch(
          /unpacks to more than 60000 bytes.*the limit for one file|unpacks to more than 100000 bytes/,
        );
        const many = Array.from({ length: 4 }, (_, i) => ({ name: `b${i}.md`, data: Buffer.alloc(50_000, 0x62) }));
        expect(await refusal(build(many))).toMatch(/unpacks to more than 100000 bytes/);
      });

      it('refuses the same name twice', async () => {
        expect(await refusal(build([...course, { name: 'my-course/course.yaml', data: 'again' }]))).toMatch(/appears twice/);
      });
    });
  }

  it('refuses a corrupt or truncated archive with a message', async () => {
    const z = zip(course);
    expect(await refusal(z.subarray(0, z.length - 30))).toMatch(/^not a valid zip archive|^the zip archive is corrupt/);
    const t = tarGz(course);
    expect(await refusal(t.subarray(0, t.length - 20))).toMatch(/^not a valid gzip file/);
    expect(await refusal(gzipSync(Buffer.from('this is not a tar archive at all'.repeat(40))))).toMatch(/tar archive is corrupt/);
    expect(await refusal(Buffer.from('hello, world'))).toBe('not a .zip or .tar.gz archive (the file starts with neither a zip nor a gzip signature)');
  });

  it('refuses an archive over the upload limit before reading it', async () => {
    expect(await refusal(Buffer.alloc(70 * 1024, 1))).toMatch(/over the limit of 65536/);
  });

  it('refuses hard links in a tar archive, and writes none of the archive before it is all checked', async () => {
    expect(await refusal(tarGz([...course, { name: 'a.md', type: 'hardlink', target: '/etc/shadow' }]))).toMatch(/is a hard link/);
    await expect(readdir(dest)).rejects.toThrow(/ENOENT/);
  });

  it('tells the formats apart by their first bytes', () => {
    expect(archiveKind(zip(course))).toBe('zip');
    expect(archiveKind(tarGz(course))).toBe('tar.gz');
    expect(archiveKind(Buffer.from('PK'))).toBeNull();
  });
});

describe('safeEntryPath', () => {
  it('keeps plain relative paths and drops "./" and a trailing "/"', () => {
    expect(safeEntryPath('./a/b.md')).toBe('a/b.md');
    expect(safeEntryPath('a/dir/')).toBe('a/dir');
  });
  it.each([
    ['../x', /path traversal/],
    ['a/../../x', /path traversal/],
    ['/abs', /absolute path/],
    ['C:/x', /absolute path/],
    ['a\\b', /backslash/],
    ['a/\u0000b', /control characters/],
    ['a//b', /empty or "\." segment/],
    [`${'d/'.repeat(20)}x`, /nested deeper than 16/],
  ])('refuses %j', (name, why) => {
    expect(() => safeEntryPath(name)).toThrow(why);
  });
});
