'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { isFinalStatus, type TProgressView, type TSubmissionStatus } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { liveStatusCell } from '../lib/class-table';

const POLL_MS = 3000;

/**
 * A row's Status cell: the latest submission's status, followed live while it waits or trains (its progress, polled),
 * and the table refreshed once it ends, so the Passed and accuracy columns follow.
 */
export function LiveStatusCell({ submissionId, status }: { submissionId: string | null; status: TSubmissionStatus | null }) {
  const router = useRouter();
  const [progress, setProgress] = useState<Pick<TProgressView, 'status' | 'queuePosition' | 'live' | 'epochs'> | null>(
    status ? { status, queuePosition: null, live: null, epochs: [] } : null,
  );
  const live = submissionId !== null && status !== null && !isFinalStatus(status);
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    const poll = async () => {
      const p = await sendJson<TProgressView>('GET', `/api/submissions/${encodeURIComponent(submissionId)}/progress`);
      if (stopped) return;
      setProgress(p);
      if (isFinalStatus(p.status)) {
        stopped = true;
        clearInterval(timer);
        router.refresh();
      }
    };
    const run = () => {
      poll().catch(() => undefined);
    };
    const timer = setInterval(run, POLL_MS);
    run();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live, submissionId, router]);
  const cell = liveStatusCell(progress);
  return (
    <span className={cell.text === '—' ? 'muted' : `status status-${cell.tone}`} data-testid="status-cell">
      {cell.text}
    </span>
  );
}
