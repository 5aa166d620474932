'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TContentStatus, TContentSyncReport } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

const value = (v: unknown) => (v === null ? 'none' : Array.isArray(v) ? v.join(', ') : String(v));

/** The diff of a content sync, as a list an instructor reads before applying. */
export function SyncReport({ report }: { report: TContentSyncReport }) {
  const lines: { kind: '+' | '~' | '-' | '!'; text: string }[] = [];
  if (report.course.created) lines.push({ kind: '+', text: 'the course is created' });
  if (report.course.changed.length) lines.push({ kind: '~', text: `course: ${report.course.changed.join(', ')}` });
  for (const l of report.lessons.added) lines.push({ kind: '+', text: `lesson ${l.title}` });
  for (const l of report.lessons.changed) lines.push({ kind: '~', text: `lesson ${l.title}: ${l.fields.join(', ')}` });
  for (const l of report.lessons.removed) lines.push({ kind: '-', text: `lesson ${l.title}` });
  for (const s of report.steps.added) lines.push({ kind: '+', text: `step ${s.title}` });
  for (const s of report.steps.changed) lines.push({ kind: '~', text: `step ${s.title}: ${s.fields.join(', ')}` });
  for (const s of report.steps.removed) lines.push({ kind: '-', text: `step ${s.title} (earlier versions stay readable)` });
  for (const e of report.exercises.added) lines.push({ kind: '+', text: `exercise ${e.title}` });
  for (const e of report.exercises.changed) lines.push({ kind: '~', text: `exercise ${e.title}: ${e.fields.join(', ')}` });
  for (const e of report.exercises.removed)
    lines.push({ kind: '-', text: `exercise ${e.title} (archived; its ${e.submissions} submission(s) and results are kept)` });
  const files = report.assets;
  if (files.added.length + files.changed.length + files.removed.length) {
    lines.push({
      kind: '~',
      text: `figures and reference runs: ${files.added.length} added, ${files.changed.length} changed, ${files.removed.length} removed`,
    });
  }
  return (
    <div data-testid="sync-report">
      <p>
        {report.source.source} @ <code>{report.source.revision.slice(0, 12)}</code>:{' '}
        <strong>{report.unchanged ? 'nothing to change' : report.dryRun ? 'changes this would make (nothing is applied yet)' : 'applied'}</strong>
      </p>
      {lines.length > 0 && (
        <ul className="diff">
          {lines.map((l, i) => (
            <li key={i} className={`diff-${{ '+': 'add', '~': 'change', '-': 'remove', '!': 'warn' }[l.kind]}`}>
              <span aria-hidden="true">{l.kind} </span>
              {l.text}
            </li>
          ))}
        </ul>
      )}
      {report.policies
        .filter((p) => p.action !== 'created')
        .map((p) => (
          <div key={p.exercise} className={p.action === 'applied' ? 'policy-change' : 'policy-change warn'} data-testid={`policy-${p.exercise}`}>
            <p>
              <strong>Grading policy of {p.exercise}:</strong> {p.action === 'applied' && 'the files change it.'}
              {p.action === 'kept-edited' &&
                `an admin edited it in the web app${p.editedBy ? ` (${p.editedBy.name}, version ${p.editedBy.version})` : ''}: it is kept, the files' changes below are not applied.`}
              {p.action === 'overwrote-edited' &&
                `this replaces an admin's edit in the web app${p.editedBy ? ` (${p.editedBy.name}, version ${p.editedBy.version})` : ''}.`}
            </p>
            <ul>
              {p.changes.map((c) => (
                <li key={c.field}>
                  {c.field}: {value(c.old)} → {value(c.new)}
                </li>
              ))}
            </ul>
            {p.redecided.passedToFailed + p.redecided.failedToPassed > 0 && (
              <p>
                Re-decides stored results: {p.redecided.passedToFailed} passed → failed, {p.redecided.failedToPassed} failed → passed.
              </p>
            )}
          </div>
        ))}
    </div>
  );
}

/** A previewed sync: applying it sends the same source and the same choice about edited policies, and the revision shown. */
type TPending = ({ kind: 'archive'; file: File } | { kind: 'git' }) & { report: TContentSyncReport; overwrite: boolean };

/** Upload an archive or pull the git repository, read the diff, then apply it (or not). */
export function ContentSync({ status, csrfToken }: { status: TContentStatus; csrfToken: string }) {
  const router = useRouter();
  const [pending, setPending] = useState<TPending | null>(null);
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/courses/${encodeURIComponent(status.courseSlug)}/content`;
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setOutcome(null);
    try {
      await work();
    } catch (err) {
      setOutcome(failure(err));
    } finally {
      setBusy(false);
    }
  };
  const archiveQuery = (file: File, dryRun: boolean, overwrite: boolean, expect?: string) =>
    `${base}/archive?dryRun=${dryRun}&filename=${encodeURIComponent(file.name)}&overwriteEditedPolicies=${overwrite}${expect ? `&expectRevision=${expect}` : ''}`;
  const previewArchive = (file: File, overwrite: boolean) =>
    run(async () => {
      const report = await sendJson<TContentSyncReport>('POST', archiveQuery(file, true, overwrite), new Blob([file], { type: 'application/octet-stream' }), {
        csrfToken,
      });
      setPending({ kind: 'archive', file, report, overwrite });
    });
  const previewGit = (overwrite: boolean) =>
    run(async () => {
      const report = await sendJson<TContentSyncReport>('POST', `${base}/git`, { dryRun: true, overwriteEditedPolicies: overwrite }, { csrfToken });
      setPending({ kind: 'git', report, overwrite });
    });
  const upload = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const file = new FormData(e.currentTarget).get('archive');
    if (!(file instanceof File) || file.size === 0) return setOutcome({ ok: false, text: 'Choose a .zip or .tar.gz file first.', lines: [] });
    if (file.size > status.maxArchiveBytes) {
      return setOutcome({
        ok: false,
        text: `The file is ${file.size} bytes, over the limit of ${status.maxArchiveBytes} (${status.maxArchiveBytes / 1024 / 1024} MiB).`,
        lines: [],
      });
    }
    void previewArchive(file, false);
  };
  const apply = () =>
    run(async () => {
      if (!pending) return;
      const expect = pending.report.source.revision;
      const report =
        pending.kind === 'archive'
          ? await sendJson<TContentSyncReport>(
              'POST',
              archiveQuery(pending.file, false, pending.overwrite, expect),
              new Blob([pending.file], { type: 'application/octet-stream' }),
              { csrfToken },
            )
          : await sendJson<TContentSyncReport>(
              'POST',
              `${base}/git`,
              { dryRun: false, expectRevision: expect, overwriteEditedPolicies: pending.overwrite },
              { csrfToken },
            );
      setPending(null);
      setOutcome({
        ok: true,
        text: report.unchanged ? 'Nothing to change: the course already matches.' : 'Applied. The course now shows the new content.',
        lines: [],
      });
      router.refresh();
    });
  const saveSource = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    void run(async () => {
      await sendJson('PUT', `${base}/source`, { gitUrl: String(d.get('gitUrl') ?? '') || null, gitRef: String(d.get('gitRef') ?? '') || null }, { csrfToken });
      setOutcome({ ok: true, text: 'Repository saved.', lines: [] });
      router.refresh();
    });
  };
  return (
    <>
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload the course</h2>
        <p className="muted">
          A .zip or .tar.gz of the course folder (course.yaml, steps/, figures/, one folder per exercise; see the course format), at most{' '}
          {status.maxArchiveBytes / 1024 / 1024} MiB. You see what changes before anything is applied.
        </p>
        <form
          className="form"
          onSubmit={(e) => {
            upload(e);
          }}
        >
          <label htmlFor="archive">Course archive</label>
          <input id="archive" name="archive" type="file" accept=".zip,.tar.gz,.tgz,application/zip,application/gzip" />
          <button type="submit" disabled={busy}>
            Show the changes
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="git-title">
        <h2 id="git-title">Pull from git</h2>
        <form
          className="form"
          onSubmit={(e) => {
            saveSource(e);
          }}
        >
          <label htmlFor="git-url">Repository (https:// or git@host:owner/repo.git)</label>
          <input id="git-url" name="gitUrl" defaultValue={status.gitUrl ?? ''} maxLength={500} />
          <label htmlFor="git-ref">Branch or tag (empty: the default branch)</label>
          <input id="git-ref" name="gitRef" defaultValue={status.gitRef ?? ''} maxLength={200} />
          <button type="submit" disabled={busy}>
            Save repository
          </button>
        </form>
        {status.deployKey && (
          <p className="muted">
            For a private repository, add this server&apos;s key as a <strong>read-only</strong> deploy key:{' '}
            <code data-testid="deploy-key">{status.deployKey}</code>
          </p>
        )}
        {status.gitUrl && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              void previewGit(false);
            }}
          >
            Pull and show the changes
          </button>
        )}
      </section>
      {pending && (
        <section className="card" aria-labelledby="preview-title" data-testid="sync-preview">
          <h2 id="preview-title">Changes to apply</h2>
          <SyncReport report={pending.report} />
          {pending.report.policies.some((p) => p.action === 'kept-edited' || p.action === 'overwrote-edited') && (
            <label className="check">
              <input
                type="checkbox"
                checked={pending.overwrite}
                disabled={busy}
                onChange={(e) => {
                  const next = e.target.checked;
                  void (pending.kind === 'archive' ? previewArchive(pending.file, next) : previewGit(next));
                }}
              />{' '}
              Overwrite the policies an admin edited in the web app (the changes above are shown again with this choice)
            </label>
          )}
          {!pending.report.unchanged && (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => {
                void apply();
              }}
            >
              Apply these changes
            </button>
          )}
        </section>
      )}
      <Outcome outcome={outcome} id="content-outcome" />
    </>
  );
}
