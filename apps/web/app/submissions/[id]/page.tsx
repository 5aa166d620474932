import Link from 'next/link';
import { RETRAINABLE_STATES } from '@epoch/contracts';
import { notFound } from 'next/navigation';
import { CodeBlock } from '../../../components/code-block';
import { LiveTraining } from '../../../components/live-training';
import { LocalTime } from '../../../components/local-time';
import { RetrainButton } from '../../../components/retrain-button';
import { ResultView } from '../../../components/result-view';
import { SubmissionHistory } from '../../../components/submission-history';
import { api, ApiError } from '../../../lib/api-client';
import { isFinal, statusLabel } from '../../../lib/status-text';
import { signInOn401 } from '../../../lib/require-user';

export const dynamic = 'force-dynamic';

export default async function SubmissionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const back = `/submissions/${id}`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  // Someone else's submission answers 403/404: shown as "not found", so its existence is not revealed.
  const hide = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  };
  const submission = await api.submission(id).catch(hide);
  const isOwner = submission.userId === me?.id;
  const [exercise, progress, history] = await Promise.all([
    api.exercise(submission.course, submission.exercise).catch(hide),
    api.progress(id).catch(hide),
    isOwner
      ? api
          .submissions(submission.course, submission.exercise)
          .then((p) => p.items)
          .catch(() => [])
      : Promise.resolve([]),
  ]);
  const final = isFinal(submission.status);
  const result = final ? await api.result(id).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : hide(e))) : null;
  const totalEpochs = exercise.policy.requiredEpochs ?? exercise.policy.maxEpochs;
  // Best-of-k: while another seed trains, the verdict is not final (the result view says why).
  const pendingSeed = result !== null && result.pendingSeed !== null;
  const label = statusLabel(submission.status, submission.kind, pendingSeed);
  const problems = submission.diagnostics.filter((d) => d.severity !== 'info');
  // Course staff (this page answers "not found" to other students) may train a finished submission again.
  const canRetrain = me?.role !== 'STUDENT' && (RETRAINABLE_STATES as readonly string[]).includes(submission.status);
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${submission.course}/exercises/${exercise.slug}`}>{exercise.title}</Link> · submitted <LocalTime iso={submission.createdAt} />
        {submission.late ? ' (late)' : ''} ·{' '}
        <Link href={`/courses/${submission.course}/exercises/${submission.exercise}/attempts/${submission.userId}`} data-testid="all-attempts">
          {isOwner ? 'all your attempts' : 'all their attempts'}
        </Link>
      </p>
      {!isOwner && (
        <p className="owner-line" data-testid="submission-owner">
          Submitted by <strong>{submission.owner.name}</strong> (<a href={`mailto:${submission.owner.email}`}>{submission.owner.email}</a>)
        </p>
      )}
      {/* While unfinished, the live section shows the status as it changes; a badge here would go stale. */}
      <h1>
        {submission.kind === 'PRACTICE' ? (
          <>
            <span className="practice-badge" data-testid="practice-badge">
              Practice
            </span>{' '}
            Practice run
          </>
        ) : (
          'Submission'
        )}{' '}
        {final && <span className={`status status-${label.tone}`}>{label.text}</span>}
      </h1>
      {canRetrain && <RetrainButton course={submission.course} exercise={submission.exercise} submissionId={id} csrfToken={me?.csrfToken ?? ''} />}
      {submission.errorMessage && !pendingSeed && (
        <p role="alert" className="error-text">
          {submission.errorMessage}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="diagnostics">
          {problems.map((d, i) => (
            <li key={i} className={`diag-${d.severity}`}>
              <span className="diag-pos">
                Line {d.line}, column {d.column}
              </span>{' '}
              {d.message}
            </li>
          ))}
        </ul>
      )}
      {result ? (
        <ResultView result={result} threshold={exercise.policy.minTestAccuracy} />
      ) : (
        <LiveTraining
          key={submission.status}
          submissionId={id}
          initial={progress}
          totalEpochs={totalEpochs}
          csrfToken={me?.csrfToken ?? ''}
          isOwner={isOwner}
          refundCancelledQuota={exercise.policy.refundCancelledQuota}
        />
      )}
      <details className="card">
        <summary>Submitted code</summary>
        <div data-testid="submitted-code">
          <CodeBlock code={submission.source} language="python" />
        </div>
      </details>
      {isOwner && <SubmissionHistory items={history} current={id} />}
    </article>
  );
}
