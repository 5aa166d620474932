import { existsSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { DomainError, type TContentSyncReport } from '@epoch/contracts';
import { isGitUrl, summaryLine, syncContent, type TContentSource } from '@epoch/content';
import { createPrismaClient } from '@epoch/db';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir } from '../paths';
import { ensureServices, stopServices } from '../services';
import { migrateDatabase } from './db.command';

export interface TContentSyncCommand {
  source: string;
  course?: string;
  ref?: string;
  dryRun: boolean;
  overwriteEditedPolicies: boolean;
}

/** The report as the terminal shows it: what is (or would be) added, changed and removed. */
export function formatReport(r: TContentSyncReport): string {
  const lines: string[] = [];
  const head = r.dryRun ? 'dry run (nothing was changed)' : r.unchanged ? 'already up to date' : `applied (sync ${r.syncId ?? ''})`;
  lines.push(`course ${r.course.slug} "${r.course.title}" from ${r.source.source} @ ${r.source.revision.slice(0, 12)}: ${head}`);
  if (r.course.created) lines.push('  + the course is created');
  if (r.course.changed.length) lines.push(`  ~ course: ${r.course.changed.join(', ')}`);
  for (const l of r.lessons.added) lines.push(`  + lesson ${l.slug} "${l.title}"`);
  for (const l of r.lessons.changed) lines.push(`  ~ lesson ${l.slug}: ${l.fields.join(', ')}`);
  for (const l of r.lessons.removed) lines.push(`  - lesson ${l.slug} (its steps stay readable by version)`);
  for (const s of r.steps.added) lines.push(`  + step ${s.lesson}/${s.slug} "${s.title}"`);
  for (const s of r.steps.changed)
    lines.push(`  ~ step ${s.lesson}/${s.slug}: ${s.fields.join(', ')}${s.fields.some((f) => f !== 'position') ? ` (version ${s.version})` : ''}`);
  for (const s of r.steps.removed) lines.push(`  - step ${s.lesson}/${s.slug} (earlier versions stay readable)`);
  for (const e of r.exercises.added) lines.push(`  + exercise ${e.slug} "${e.title}"`);
  for (const e of r.exercises.changed) lines.push(`  ~ exercise ${e.slug}: ${e.fields.join(', ')}`);
  for (const e of r.exercises.removed) lines.push(`  - exercise ${e.slug} (archived; its ${e.submissions} submissions and results are kept)`);
  const value = (v: unknown) => (v === null ? 'none' : JSON.stringify(v));
  for (const p of r.policies) {
    if (p.action === 'created') continue;
    const who = p.editedBy ? ` by ${p.editedBy.name} <${p.editedBy.email}> on ${p.editedBy.at} (version ${p.editedBy.version})` : '';
    const what = {
      applied: 'policy changes',
      'kept-edited': `policy KEPT: an admin edited it in the web app${who}; the files' changes are NOT applied (--overwrite-edited-policies applies them)`,
      'overwrote-edited': `policy OVERWRITTEN: replaces an admin's edit in the web app${who}`,
    }[p.action];
    lines.push(`  ! exercise ${p.exercise}: ${what}`);
    for (const c of p.changes) lines.push(`      ${c.field}: ${value(c.old)} -> ${value(c.new)}`);
    const { passedToFailed, failedToPassed } = p.redecided;
    if (passedToFailed + failedToPassed > 0) lines.push(`      re-decided: ${passedToFailed} passed -> failed, ${failedToPassed} failed -> passed`);
  }
  const files = r.assets;
  if (files.added.length + files.changed.length + files.removed.length) {
    lines.push(`  files: ${files.added.length} added, ${files.changed.length} changed, ${files.removed.length} removed`);
  }
  lines.push(`  summary: ${summaryLine(r)}`);
  return lines.join('\n');
}

/**
 * `./epoch content sync DIR|GIT-URL [--course SLUG] [--ref REF] [--dry-run] [--overwrite-edited-policies]`: loads a
 * course (or every course of a folder of courses) through the one content loader and prints the diff; applies it
 * unless --dry-run. Migrates the database first (a fresh install may sync before anything else ran).
 */
export async function runContentSyncCommand(opts: TContentSyncCommand, io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  let source: TContentSource;
  if (isGitUrl(opts.source)) source = { kind: 'GIT', url: opts.source, ...(opts.ref ? { ref: opts.ref } : {}) };
  else if (existsSync(opts.source) && statSync(opts.source).isDirectory()) source = { kind: 'DIRECTORY', path: opts.source };
  else {
    io.err(`epoch content sync: ${opts.source} is neither a folder nor a git URL (https://…, git@host:…, ssh://…, file://…)`);
    return 2;
  }
  if (opts.ref && source.kind !== 'GIT') {
    io.err('epoch content sync: --ref only goes with a git URL');
    return 2;
  }
  const data = dataDir();
  const services = await ensureServices(env, data, io.err);
  const prisma = createPrismaClient(services.databaseUrl);
  try {
    await migrateDatabase(services.databaseUrl, artifactStoreOf(env, data), io.err);
    const reports = await syncContent(prisma, source, {
      actorId: null,
      via: `cli (${userInfo().username}@${hostname()})`,
      dryRun: opts.dryRun,
      allowCreate: true,
      overwriteEditedPolicies: opts.overwriteEditedPolicies,
      ...(opts.course ? { courseSlug: opts.course } : {}),
      git: {
        allowLocal: true,
        ...(env.EPOCH_GIT_SSH_KEY ? { sshKeyFile: env.EPOCH_GIT_SSH_KEY } : {}),
        ...(env.EPOCH_GIT_KNOWN_HOSTS ? { knownHostsFile: env.EPOCH_GIT_KNOWN_HOSTS } : {}),
      },
    });
    for (const r of reports) io.out(formatReport(r));
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      io.err(`epoch content sync: ${e.message}`);
      for (const d of e.details ?? []) if (d.message !== e.message) io.err(`  ${d.path}: ${d.message}`);
      io.err('nothing was changed.');
      return 1;
    }
    throw e;
  } finally {
    await prisma.$disconnect();
    stopServices(data, services.started);
  }
}
