'use client';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { bracketMatching, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import type { TExerciseView, TModelRulesInput, TQueueOutlook, TSubmissionCreated } from '@epoch/contracts';
import { checkSource, type TCheckReport } from '@epoch/model-spec';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { postJson } from '../lib/browser-api';
import { costPreview } from '../lib/cost-preview';
import { formatShape, offsetOf } from '../lib/exercise-rules';
import { foldNotes } from '../lib/fold-notes';
import { congestionText, practiceText, waitText } from '../lib/queue-text';

const CHECK_DELAY_MS = 250;

function lineStarts(doc: Text): number[] {
  const starts: number[] = [];
  for (let i = 1; i <= doc.lines; i++) starts.push(doc.line(i).from);
  return starts;
}

function toCmDiagnostics(report: TCheckReport, doc: Text): Diagnostic[] {
  const starts = lineStarts(doc);
  return foldNotes(report.diagnostics).map((d) => {
    const from = offsetOf(starts, doc.length, d.line, d.column);
    const end = d.endLine !== undefined ? offsetOf(starts, doc.length, d.endLine, d.endColumn ?? d.column + 1) : from;
    // An empty range would be invisible; underline at least one character (or the line's end).
    const to = end > from ? end : Math.min(from + 1, doc.length);
    return { from, to, severity: d.severity, message: d.message, source: d.code };
  });
}

const newKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `k${Date.now()}${Math.random().toString(36).slice(2)}`);

/**
 * The CSP nonce of the document the browser loaded (Next.js puts it on its scripts; the `nonce` property keeps it
 * where the attribute is hidden). The editor's own style elements must carry it, or the policy refuses them and the
 * editor loses `white-space: pre` (typed spaces then arrive as no-break spaces). Not a server prop: after a client-side
 * navigation the server renders with another request's nonce, while the page keeps the first one's policy.
 */
function documentNonce(): string | null {
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || null;
}

export function ExerciseEditor({
  course,
  exercise,
  starterCode,
  rules,
  policy,
  graders,
  csrfToken,
  canSubmit,
  outlook = null,
}: {
  course: string;
  exercise: string;
  starterCode: string;
  rules: TModelRulesInput;
  /** For the cost preview: the exercise's limits and data, and the graders serving it now. */
  policy: TExerciseView['policy'];
  graders: TExerciseView['graders'];
  csrfToken: string;
  canSubmit: boolean;
  /** The wait before Submit and the would-be positions (null when the queue could not be asked). */
  outlook?: TQueueOutlook | null;
}) {
  const router = useRouter();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const source = useRef(starterCode);
  // One key per version of the source: a double click (or a retry) of the same code is one submission.
  const idemKey = useRef(newKey());
  const [report, setReport] = useState<TCheckReport | null>(null);
  // While the code cannot be built, the last table that could be stays visible (dimmed) rather than vanishing.
  const [lastSummary, setLastSummary] = useState<TCheckReport['summary']>(undefined);
  const [checking, setChecking] = useState(true);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const draftKey = `epoch:draft:${course}/${exercise}`;

  const runCheck = useCallback(
    (v: EditorView) => {
      const text = v.state.doc.toString();
      const r = checkSource(text, { rules });
      v.dispatch(setDiagnostics(v.state, toCmDiagnostics(r, v.state.doc)));
      setReport(r);
      if (r.summary) setLastSummary(r.summary);
      setChecking(false);
    },
    [rules],
  );

  useEffect(() => {
    if (!host.current) return;
    let draft: string | null = null;
    try {
      draft = window.localStorage.getItem(draftKey);
    } catch {
      draft = null;
    }
    const initial = draft ?? starterCode;
    const nonce = documentNonce();
    source.current = initial;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          // The same token classes (and colours, globals.css) as the lesson's code blocks.
          syntaxHighlighting(classHighlighter),
          // Long lines wrap instead of disappearing past the pane's edge.
          EditorView.lineWrapping,
          python(),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ 'aria-label': 'Model code (Python)' }),
          ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            source.current = u.state.doc.toString();
            idemKey.current = newKey();
            setChecking(true);
            clearTimeout(timer);
            timer = setTimeout(() => {
              try {
                window.localStorage.setItem(draftKey, source.current);
              } catch {
                /* storage full or disabled: the draft is only a convenience */
              }
              runCheck(u.view);
            }, CHECK_DELAY_MS);
          }),
        ],
      }),
    });
    view.current = v;
    runCheck(v);
    return () => {
      clearTimeout(timer);
      v.destroy();
      view.current = null;
    };
  }, [draftKey, starterCode, runCheck]);

  const resetToStarter = () => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: starterCode } });
  };

  const submit = async (kind: 'GRADED' | 'PRACTICE') => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const created = await postJson<TSubmissionCreated>(
        '/api/submissions',
        { course, exercise, source: source.current, kind },
        // A practice run of the same code is another request than its graded submission.
        { csrfToken, headers: { 'idempotency-key': kind === 'PRACTICE' ? `practice-${idemKey.current}` : idemKey.current } },
      );
      router.push(`/submissions/${encodeURIComponent(created.id)}`);
    } catch (e) {
      setSubmitError(e instanceof Error ? e.message : String(e));
      setSubmitting(false);
    }
  };

  const errors = report?.errors.length ?? 0;
  const warnings = report?.warnings.length ?? 0;
  const summary = report?.summary ?? lastSummary;
  const stale = !report?.summary && summary !== undefined;
  const disabled = !canSubmit || checking || !report?.ok || submitting;
  const practiceOff = policy.practiceDailyLimit === 0;
  const practiceDisabled = practiceOff || outlook?.practiceLeft === 0 || checking || !report?.ok || submitting;
  const notes = report ? foldNotes(report.diagnostics) : [];
  const cost = report ? costPreview(report.cost, report.training?.epochs, policy, graders) : [];
  return (
    <div className="editor-layout">
      <div className="editor-pane">
        {outlook?.congested && (
          <p role="status" className="notice congestion-banner" data-testid="congestion-banner">
            {congestionText(outlook)}
          </p>
        )}
        <div ref={host} className="code-editor" data-testid="code-editor" />
        <div className="editor-bar">
          <p className={`check-status ${errors ? 'bad' : 'good'}`} role="status" aria-live="polite" data-testid="check-status">
            {checking && !report
              ? 'Checking…'
              : errors
                ? `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: fix ${errors === 1 ? 'it' : 'them'} to submit`
                : `No errors${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`}
          </p>
          <div className="actions">
            <button type="button" onClick={resetToStarter}>
              Reset to starter code
            </button>
            {!practiceOff && (
              <button
                type="button"
                disabled={practiceDisabled}
                title={practiceText(policy, outlook)}
                onClick={() => {
                  submit('PRACTICE').catch(() => undefined);
                }}
                data-testid="practice"
              >
                Practice run
              </button>
            )}
            <button
              type="button"
              className="primary"
              disabled={disabled}
              onClick={() => {
                submit('GRADED').catch(() => undefined);
              }}
              data-testid="submit"
            >
              {submitting ? 'Submitting…' : 'Submit'}
            </button>
          </div>
        </div>
        {outlook && (
          <p className="queue-wait muted" data-testid="queue-wait">
            {waitText(outlook)} {!practiceOff && practiceText(policy, outlook)}
          </p>
        )}
        {submitError && (
          <p role="alert" className="error-text">
            {submitError}
          </p>
        )}
        {notes.length > 0 && (
          <ul className="diagnostics" data-testid="diagnostics">
            {notes.map((d, i) => (
              <li key={i} className={`diag-${d.severity}`}>
                <span className="diag-pos">
                  Line {d.line}, column {d.column}
                </span>{' '}
                {d.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <section className="summary-pane" aria-labelledby="summary-title">
        <h2 id="summary-title">model.summary()</h2>
        {summary ? (
          <table className={`summary-table${stale ? ' stale' : ''}`} data-testid="summary-table" data-stale={stale ? 'true' : undefined}>
            <caption className="muted">{stale ? 'The code cannot be built now; this is its last version that could.' : `Model “${summary.modelName}”`}</caption>
            <thead>
              <tr>
                <th scope="col">Layer (type)</th>
                <th scope="col">Output shape</th>
                <th scope="col" className="num">
                  Params
                </th>
              </tr>
            </thead>
            <tbody>
              {summary.rows.map((r) => (
                <tr key={r.name}>
                  <td>
                    {r.name} ({r.type})
                  </td>
                  <td>
                    <code>{formatShape(r.outputShape)}</code>
                  </td>
                  <td className="num">{r.params.toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total params
                </th>
                <td className="num" data-testid="total-params">
                  {summary.totalParams.toLocaleString('en-US')}
                </td>
              </tr>
              <tr>
                <th scope="row" colSpan={2}>
                  Trainable params
                </th>
                <td className="num">{summary.trainableParams.toLocaleString('en-US')}</td>
              </tr>
            </tfoot>
          </table>
        ) : (
          <p className="muted">The summary appears once the model can be built from the code.</p>
        )}
        {cost.length > 0 && (
          <dl className="cost-preview" data-testid="cost-preview" aria-label="Training cost">
            {cost.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
    </div>
  );
}
