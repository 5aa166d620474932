'use client';
import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { TResultNotice, TResultNotices } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { noticeText, parseSeen, parseSince, SEEN_KEY, SINCE_KEY, unseen } from '../lib/result-notices';

const POLL_MS = 15_000;

/**
 * On every page of a signed-in user: asks the API which of their submissions ended since the last look (see
 * lib/result-notices.ts for how "the page was open" is kept across tabs and visits) and announces each one as a browser
 * notification when the user allowed them (Notification API; permission is asked on the preferences page, on a
 * click), and always as a line on the page.
 */
export function ResultNotifier() {
  const [shown, setShown] = useState<TResultNotice[]>([]);
  useEffect(() => {
    let stopped = false;
    const check = async () => {
      const since = parseSince(localStorage.getItem(SINCE_KEY));
      if (!since) {
        localStorage.setItem(SINCE_KEY, new Date().toISOString());
        return;
      }
      const r = await sendJson<TResultNotices>('GET', `/api/me/result-notices?since=${encodeURIComponent(since)}`);
      if (stopped) return;
      localStorage.setItem(SINCE_KEY, r.now);
      const { fresh, seen } = unseen(r.notices, parseSeen(localStorage.getItem(SEEN_KEY)));
      localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
      if (fresh.length === 0) return;
      setShown((s) => [...fresh, ...s].slice(0, 3));
      if (r.browser && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
        for (const n of fresh) {
          const { title, body } = noticeText(n);
          const note = new Notification(title, { body, tag: `${n.submissionId}:${n.status}` });
          note.onclick = () => {
            window.focus();
            window.location.assign(`/submissions/${n.submissionId}`);
          };
        }
      }
    };
    const run = () => {
      check().catch(() => undefined);
    };
    run();
    const timer = setInterval(run, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (shown.length === 0) return null;
  return (
    <div className="result-notices" role="status" data-testid="result-notices">
      {shown.map((n) => (
        <p key={`${n.submissionId}:${n.status}`}>
          <Link href={`/submissions/${n.submissionId}`}>{noticeText(n).title}</Link> — {noticeText(n).body}{' '}
          <button type="button" className="link-button" onClick={() => setShown((s) => s.filter((x) => x !== n))} aria-label="Dismiss">
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
