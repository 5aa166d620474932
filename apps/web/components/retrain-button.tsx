'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TRegradeResult } from '@epoch/contracts';
import { postJson } from '../lib/browser-api';
import { retrainMessage } from '../lib/class-table';

/** For course staff on a finished submission: train it again from scratch (the stored result is replaced). */
export function RetrainButton({ course, exercise, submissionId, csrfToken }: { course: string; exercise: string; submissionId: string; csrfToken: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const retrain = async () => {
    if (!window.confirm('Train this submission again from scratch? Its stored result is discarded and replaced by the new one.')) return;
    setBusy(true);
    setMessage(null);
    try {
      const r = await postJson<TRegradeResult>(
        `/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(exercise)}/regrade`,
        { mode: 'retrain', submissionIds: [submissionId] },
        { csrfToken },
      );
      setMessage({ ok: r.changed.length > 0, text: retrainMessage(r) });
      router.refresh();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions staff-actions">
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          retrain().catch(() => undefined);
        }}
      >
        {busy ? 'Queuing…' : 'Re-train this submission'}
      </button>
      {message && (
        <p role="status" className={message.ok ? 'ok-text' : 'error-text'} data-testid="retrain-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
