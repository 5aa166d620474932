'use client';
import { ZEpochView, ZProgressView, type TEpochView, type TProgressView } from '@epoch/contracts';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { formatValue } from '../lib/chart-axes';
import { mergeEpochs } from '../lib/curves';
import { eventStreamUrl, reconnectDelayMs } from '../lib/event-stream';
import { postJson } from '../lib/browser-api';
import { isFinal, statusLabel } from '../lib/status-text';
import { TrainingCharts } from './curve-chart';
import { etaText } from '../lib/eta-text';

/** What each estimate rests on (the ETA's tooltip). */
const etaBasis = {
  queued: 'From the work of the submissions ahead (those training now and those waiting) and of this one, at the speed the graders measured on recent jobs.',
  training: "From this run's own measured speed after its first batches, smoothed; shown as a range while it is uncertain.",
};

type TStatus = Omit<TProgressView, 'epochs'>;

/** The last epoch's numbers, as a small table under the status. */
function LastEpoch({ epoch, total }: { epoch: TEpochView; total: number }) {
  const cell = (v: number | null, unit: 'percent' | 'plain') => (v === null || !Number.isFinite(v) ? '—' : formatValue(unit, v, true));
  return (
    <table className="last-epoch" data-testid="last-epoch">
      <caption>
        Epoch {epoch.epoch} of {total}
      </caption>
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Data</span>
          </th>
          <th scope="col" className="num">
            Accuracy
          </th>
          <th scope="col" className="num">
            Loss
          </th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Training</th>
          <td className="num">{cell(epoch.accuracy, 'percent')}</td>
          <td className="num">{cell(epoch.loss, 'plain')}</td>
        </tr>
        <tr>
          <th scope="row">Validation</th>
          <td className="num">{cell(epoch.valAccuracy, 'percent')}</td>
          <td className="num">{cell(epoch.valLoss, 'plain')}</td>
        </tr>
      </tbody>
    </table>
  );
}

/**
 * Status, progress over epochs and the curves, fed by the API's SSE stream (which resumes after a reload from the
 * epochs already stored); when the submission is final the page is refreshed to show the result. When the server or
 * the API goes away, the page keeps what it shows, says it is reconnecting, and picks the stream up again after the
 * last event it received.
 */
export function LiveTraining({
  submissionId,
  initial,
  totalEpochs,
  csrfToken,
  isOwner,
  refundCancelledQuota,
}: {
  submissionId: string;
  initial: TProgressView;
  totalEpochs: number;
  csrfToken: string;
  isOwner: boolean;
  /** The exercise's policy: whether cancelling a training run gives the quota slot back. */
  refundCancelledQuota: boolean;
}) {
  const router = useRouter();
  const [status, setStatus] = useState<TStatus>(initial);
  const [epochs, setEpochs] = useState<TEpochView[]>(mergeEpochs(initial.epochs, [], initial.attempt));
  const [connection, setConnection] = useState<'live' | 'reconnecting'>('live');
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const final = isFinal(status.status);
  const initiallyFinal = isFinal(initial.status);
  const shown = useRef(initial.status);

  useEffect(() => {
    if (initiallyFinal) return;
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let lastEventId: string | null = null;
    let stopped = false;
    const seen = (ev: Event) => {
      const id = (ev as MessageEvent<string>).lastEventId;
      if (id) lastEventId = id;
      failures = 0;
      setConnection('live');
    };
    const open = () => {
      if (stopped) return;
      const source = new EventSource(eventStreamUrl(submissionId, lastEventId));
      es = source;
      source.onopen = () => {
        failures = 0;
        setConnection('live');
      };
      source.addEventListener('status', (ev) => {
        seen(ev);
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
      });
      source.addEventListener('epoch', (ev) => {
        seen(ev);
        const r = ZEpochView.safeParse(JSON.parse((ev as MessageEvent<string>).data));
        if (r.success) setEpochs((cur) => mergeEpochs(cur, [r.data]));
      });
      source.addEventListener('end', () => {
        stopped = true;
        source.close();
        router.refresh();
      });
      source.onerror = () => {
        if (stopped) return;
        setConnection('reconnecting');
        // CONNECTING: the browser retries by itself. CLOSED: it gave up (an error answer); open a new stream later.
        if (source.readyState === EventSource.CLOSED) {
          clearTimeout(retry);
          retry = setTimeout(open, reconnectDelayMs(failures++));
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      es?.close();
    };
  }, [submissionId, initiallyFinal, router]);

  const cancel = async () => {
    setCancelError(null);
    setCancelling(true);
    try {
      await postJson(`/api/submissions/${encodeURIComponent(submissionId)}/cancel`, {}, { csrfToken });
      router.refresh();
    } catch (e) {
      setCancelError(e instanceof Error ? e.message : String(e));
    } finally {
      setCancelling(false);
      setConfirming(false);
    }
  };
  const doCancel = () => {
    cancel().catch(() => undefined);
  };
  const waiting = status.status === 'QUEUED' || status.status === 'RECEIVED';
  const training = status.status === 'RUNNING';

  const label = statusLabel(status.status);
  const done = epochs.length;
  const maxEpoch = Math.max(totalEpochs, done, 2);
  const last = epochs[epochs.length - 1];
  return (
    <section className="card" aria-labelledby="progress-title" data-testid="live-training" data-connection={connection}>
      <h2 id="progress-title">Training</h2>
      <p>
        <span className={`status status-${label.tone}`} data-testid="status">
          {label.text}
        </span>
        {status.status === 'QUEUED' && status.queuePosition !== null && <> · position {status.queuePosition} in the queue</>}
        {status.etaSeconds !== null && !final && (
          <>
            {' · '}
            <span data-testid="eta" title={status.status === 'QUEUED' ? etaBasis.queued : etaBasis.training}>
              {status.status === 'QUEUED' ? 'result in ' : ''}
              {etaText(status.etaSeconds, status.etaRange)}
              {status.status === 'QUEUED' ? '' : ' left'}
            </span>
          </>
        )}
      </p>
      {!final && status.restarted && (
        <p className="muted" role="status" data-testid="restarted">
          {status.restarted}
        </p>
      )}
      {!final && connection === 'reconnecting' && (
        <p className="reconnecting" role="status" data-testid="reconnecting">
          The connection to the server was lost: reconnecting… This page keeps what it showed and catches up once the server answers again.
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
      {isOwner && waiting && (
        <p>
          <button type="button" onClick={doCancel} disabled={cancelling} data-testid="cancel">
            Cancel this submission
          </button>{' '}
          <span className="muted">It has not used your quota yet: cancelling gives the slot back.</span>
        </p>
      )}
      {isOwner && training && !confirming && (
        <p>
          <button type="button" onClick={() => setConfirming(true)} data-testid="cancel">
            Stop training and cancel
          </button>
        </p>
      )}
      {isOwner && training && confirming && (
        <div className="confirm-cancel" role="group" aria-label="Stop training?" data-testid="confirm-cancel">
          <p>
            Stop training now? The grader stops within the batch it is on and the submission ends cancelled, without a result.{' '}
            {refundCancelledQuota ? 'Your quota slot comes back.' : 'It still counts against your quota (this exercise’s policy).'}
          </p>
          <p>
            <button type="button" className="danger" onClick={doCancel} disabled={cancelling}>
              {cancelling ? 'Stopping…' : 'Yes, stop training'}
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)} disabled={cancelling}>
              Keep training
            </button>
          </p>
        </div>
      )}
      {cancelError && (
        <p role="alert" className="error-text">
          {cancelError}
        </p>
      )}
      {last && <LastEpoch epoch={last} total={totalEpochs} />}
      {done > 0 && <TrainingCharts epochs={epochs} maxEpoch={maxEpoch} />}
    </section>
  );
}
