import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContent } from '@epoch/content';
import { courseTree, tarGz, zip } from '@epoch/content/testing';
import { root } from '../helpers';
import { createUsers, enroll, signedIn, startApi, tag, type ApiUnderTest, type Client, type TestUser } from './api-harness';

/** The content routes through the real API: archives uploaded as the request body, git pulls, dry runs, refusals. */
describe('course content through the API (real process, Postgres)', () => {
  let api: ApiUnderTest;
  let work: string;
  let dir: string;
  let users: Record<string, TestUser>;
  let teacher: Client;
  const COURSE = `content-${tag()}`;
  const upload = (c: Client, bytes: Buffer, query: string) =>
    fetch(`${api.base}/api/courses/${COURSE}/content/archive?${query}`, {
      method: 'POST',
      headers: { cookie: c.cookie!, 'x-csrf-token': c.csrf!, 'content-type': 'application/zip' },
      body: new Uint8Array(bytes),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> })); // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    api = await startApi({ EPOCH_GIT_ALLOW_LOCAL: '1' });
    work = mkdtempSync(join(tmpdir(), 'epoch-api-content-'));
    dir = join(work, COURSE);
    cpSync(join(root, 'exercises', 'cifar10-intro'), dir, { recursive: true });
    writeFileSync(join(dir, 'course.yaml'), readFileSync(join(dir, 'course.yaml'), 'utf8').replace(/^enrollmentCode: .*\n/m, ''));
    await syncContent(api.prisma, { kind: 'DIRECTORY', path: dir }, { actorId: null, via: 'cli (test)', courseSlug: COURSE, dryRun: false, allowCreate: true });
    const course = await api.prisma.course.findUniqueOrThrow({ where: { slug: COURSE } });
    users = await createUsers(api.prisma, [
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'otherTeacher', role: 'INSTRUCTOR' },
      { key: 'student', role: 'STUDENT' },
    ]);
    await enroll(api.prisma, users['teacher']!.id, course.id, 'INSTRUCTOR');
    await enroll(api.prisma, users['student']!.id, course.id, 'STUDENT');
    teacher = await signedIn(api.base, users['teacher']!);
  });
  afterAll(async () => {
    await api?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('previews an uploaded archive, then applies it only as previewed; who and what are recorded', async () => {
    const step = join(dir, 'steps', '01-neural-networks.md');
    writeFileSync(step, readFileSync(step, 'utf8').replace(/^# .*$/m, '# Neural networks, briefly'));
    const bytes = zip(courseTree(dir, 'course-main/'));
    const preview = await upload(teacher, bytes, 'dryRun=true&filename=course.zip');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, syncId: null, steps: { changed: [{ slug: 'neural-networks', fields: ['title'], version: 2 }] } });
    expect((await api.prisma.lessonStep.findFirstOrThrow({ where: { slug: 'neural-networks', lesson: { course: { slug: COURSE } } } })).version).toBe(1);
    const wrong = await upload(teacher, bytes, `dryRun=false&expectRevision=${'0'.repeat(64)}`);
    expect([wrong.status, wrong.body.error.code]).toEqual([409, 'content_changed']);
    const applied = await upload(teacher, bytes, `dryRun=false&filename=course.zip&expectRevision=${preview.body.source.revision}`);
    expect(applied.status).toBe(200);
    const sync = await api.prisma.contentSync.findUniqueOrThrow({ where: { id: applied.body.syncId } });
    expect(sync).toMatchObject({
      actorId: users['teacher']!.id,
      via: 'web',
      sourceKind: 'ARCHIVE',
      source: 'course.zip',
      revision: preview.body.source.revision,
    });
    const status = await teacher.get(`/api/courses/${COURSE}/content`);
    expect(status.body.syncs[0]).toMatchObject({ by: { email: users['teacher']!.email }, kind: 'ARCHIVE', summary: 'steps: 1 changed' });
    // The old text stays readable by version, publicly like the lesson.
    expect(
      (await fetch(`${api.base}/api/courses/${COURSE}/lessons/image-classification/steps/neural-networks?version=1`).then((r) => r.json())).title,
    ).not.toBe('Neural networks, briefly');
  });

  it('refuses hostile and oversized uploads with a message (413 over the limit), changing nothing', async () => {
    const before = await api.prisma.contentSync.count();
    const traversal = await upload(teacher, tarGz([...courseTree(dir, 'c/'), { name: 'c/../../x.md', data: 'x' }]), 'dryRun=false');
    expect([traversal.status, traversal.body.error.code]).toEqual([400, 'invalid_content_source']);
    expect(traversal.body.error.message).toMatch(/path traversal/);
    const huge = await upload(teacher, Buffer.alloc(21 * 1024 * 1024, 1), 'dryRun=false');
    expect([huge.status, huge.body.error.code]).toEqual([413, 'content_too_large']);
    expect(huge.body.error.message).toMatch(/over the upload limit of 20971520 bytes \(20 MiB\)/);
    const empty = await fetch(`${api.base}/api/courses/${COURSE}/content/archive`, {
      method: 'POST',
      headers: { cookie: teacher.cookie!, 'x-csrf-token': teacher.csrf!, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    expect(await api.prisma.contentSync.count()).toBe(before);
  });

  it('pulls the configured git repository (preview, then apply at the previewed commit)', async () => {
    const repo = join(work, 'repo');
    cpSync(dir, repo, { recursive: true });
    const step = join(repo, 'steps', '15-conclusion.md');
    writeFileSync(step, `${readFileSync(step, 'utf8')}\nFrom git.\n`);
    execFileSync('git', ['-C', repo, 'init', '--quiet', '--initial-branch=main']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@t', 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'course']);
    const commit = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect((await teacher.post(`/api/courses/${COURSE}/content/git`, {})).body.error.message).toMatch(/no git repository is configured/);
    const bad = await teacher.put(`/api/courses/${COURSE}/content/source`, { gitUrl: 'ext::sh -c id', gitRef: null });
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'gitUrl']);
    expect((await teacher.put(`/api/courses/${COURSE}/content/source`, { gitUrl: `file://${repo}`, gitRef: 'main' })).body).toMatchObject({
      gitUrl: `file://${repo}`,
      gitRef: 'main',
    });
    const preview = await teacher.post(`/api/courses/${COURSE}/content/git`, { dryRun: true });
    expect(preview.body).toMatchObject({ source: { kind: 'GIT', revision: commit }, steps: { changed: [{ slug: 'conclusion', fields: ['body'] }] } });
    const applied = await teacher.post(`/api/courses/${COURSE}/content/git`, { dryRun: false, expectRevision: commit });
    expect(applied.body).toMatchObject({ dryRun: false, syncId: expect.any(String) });
    expect(await api.prisma.auditLog.count({ where: { action: 'course.content-source' } })).toBeGreaterThanOrEqual(1);
  });

  it('is for the course staff only: students 403, other instructors 404', async () => {
    const student = await signedIn(api.base, users['student']!);
    const other = await signedIn(api.base, users['otherTeacher']!);
    expect((await student.get(`/api/courses/${COURSE}/content`)).status).toBe(403);
    expect((await other.get(`/api/courses/${COURSE}/content`)).status).toBe(404);
    expect((await upload(student, zip(courseTree(dir, 'c/')), 'dryRun=true')).status).toBe(403);
    expect((await other.post(`/api/courses/${COURSE}/content/git`, {})).status).toBe(404);
  });
});
