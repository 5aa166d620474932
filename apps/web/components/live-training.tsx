'use client';
import { ZEpochView, ZProgressView, type TEpochView, type TProgressView } from '@epoch/contracts';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { curveSeries, mergeEpochs } from '../lib/curves';
import { postJson } from '../lib/browser-api';
import { isFinal, statusLabel } from '../lib/status-text';
import { CurveChart } from './curve-chart';

type TStatus = Omit<TProgressView, 'epochs'>;

/**
 * Status, progress over epochs and the curves, fed by the API's SSE stream (which resumes after a reload from the
 * epochs already stored); when the submission is final the page is refreshed to show the result.
 */
export function LiveTraining({
  submissionId,
  initial,
  totalEpochs,
  csrfToken,
  isOwner,
}: {
  submissionId: string;
  initial: TProgressView;
  totalEpochs: number;
  csrfToken: string;
  isOwner: boolean;
}) {
  const router = useRouter();
  const [status, setStatus] = useState<TStatus>(initial);
  const [epochs, setEpochs] = useState<TEpochView[]>(mergeEpochs(initial.epochs, [], initial.attempt));
  const [connection, setConnection] = useState<'live' | 'reconnecting'>('live');
  const [cancelError, setCancelError] = useState<string | null>(null);
  const final = isFinal(status.status);
  const initiallyFinal = isFinal(initial.status);
  const shown = useRef(initial.status);

  useEffect(() => {
    if (initiallyFinal) return;
    const es = new EventSource(`/api/submissions/${encodeURIComponent(submissionId)}/events`);
    es.addEventListener('status', (ev) => {
      const r = ZProgressView.omit({ epochs: true }).safeParse(JSON.parse((ev as MessageEvent<string>).data));
      if (r.success) {
        setStatus(r.data);
        // A newer attempt started over: the interrupted attempt's epochs are not this run's.
        setEpochs((cur) => mergeEpochs(cur, [], r.data.attempt));
        // The rest of the page (the attempts table) is rendered on the server: bring it up to date with the new status.
        if (r.data.status !== shown.current) {
          shown.current = r.data.status;
          router.refresh();
        }
      }
      setConnection('live');
    });
    es.addEventListener('epoch', (ev) => {
      const r = ZEpochView.safeParse(JSON.parse((ev as MessageEvent<string>).data));
      if (r.success) setEpochs((cur) => mergeEpochs(cur, [r.data]));
      setConnection('live');
    });
    es.addEventListener('end', () => {
      es.close();
      router.refresh();
    });
    es.onerror = () => setConnection('reconnecting');
    return () => es.close();
  }, [submissionId, initiallyFinal, router]);

  const cancel = async () => {
    setCancelError(null);
    try {
      await postJson(`/api/submissions/${encodeURIComponent(submissionId)}/cancel`, {}, { csrfToken });
      router.refresh();
    } catch (e) {
      setCancelError(e instanceof Error ? e.message : String(e));
    }
  };

  const label = statusLabel(status.status);
  const done = epochs.length;
  const maxEpoch = Math.max(totalEpochs, done, 2);
  const { accuracy, loss } = curveSeries(epochs);
  const maxLoss = Math.max(1, ...epochs.flatMap((e) => [e.loss, e.valLoss ?? 0]));
  return (
    <section className="card" aria-labelledby="progress-title" data-testid="live-training">
      <h2 id="progress-title">Training</h2>
      <p>
        <span className={`status status-${label.tone}`} data-testid="status">
          {label.text}
        </span>
        {status.status === 'QUEUED' && status.queuePosition !== null && <> · position {status.queuePosition} in the queue</>}
        {status.etaSeconds !== null && !final && (
          <> · about {status.etaSeconds < 90 ? `${status.etaSeconds} s` : `${Math.round(status.etaSeconds / 60)} min`} left</>
        )}
        {!final && connection === 'reconnecting' && <span className="muted"> · reconnecting…</span>}
      </p>
      {!final && status.restarted && (
        <p className="muted" role="status" data-testid="restarted">
          {status.restarted}
        </p>
      )}
      <div
        className="progress"
        role="progressbar"
        aria-label="Epochs trained"
        aria-valuemin={0}
        aria-valuemax={totalEpochs}
        aria-valuenow={Math.min(done, totalEpochs)}
      >
        <div className="progress-fill" style={{ width: `${totalEpochs ? Math.min(100, (done / totalEpochs) * 100) : 0}%` }} />
      </div>
      <p className="muted" data-testid="epoch-count">
        {done} of {totalEpochs} epochs
      </p>
      {isOwner && (status.status === 'QUEUED' || status.status === 'RECEIVED') && (
        <p>
          <button
            type="button"
            onClick={() => {
              cancel().catch(() => undefined);
            }}
          >
            Cancel this submission
          </button>
        </p>
      )}
      {cancelError && (
        <p role="alert" className="error-text">
          {cancelError}
        </p>
      )}
      {done > 0 && (
        <div className="charts">
          <CurveChart title="Accuracy" series={accuracy} maxEpoch={maxEpoch} yMin={0} yMax={1} format={(v) => `${Math.round(v * 100)}%`} />
          <CurveChart title="Loss" series={loss} maxEpoch={maxEpoch} yMin={0} yMax={Math.ceil(maxLoss * 10) / 10} format={(v) => v.toFixed(2)} />
        </div>
      )}
    </section>
  );
}
