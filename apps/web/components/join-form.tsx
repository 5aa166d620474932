'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TJoinPreview } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

/**
 * Joining a course by its code in two steps: the code shows which course it opens, then the student confirms.
 * Signed out, it says to sign in first (and comes back here).
 */
export function JoinForm({ csrfToken, signedIn, back }: { csrfToken: string; signedIn: boolean; back: string }) {
  const router = useRouter();
  const [code, setCode] = useState('');
  const [preview, setPreview] = useState<TJoinPreview | null>(null);
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const [busy, setBusy] = useState(false);
  if (!signedIn) {
    return (
      <p className="card">
        <Link href={`/sign-in?next=${encodeURIComponent(back)}`}>Sign in</Link> to join with the code your instructor gave you.
      </p>
    );
  }
  const check = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    setPreview(null);
    try {
      setPreview(await sendJson<TJoinPreview>('GET', `/api/enrollments/preview?code=${encodeURIComponent(code)}`));
    } catch (err) {
      setOutcome(failure(err));
    } finally {
      setBusy(false);
    }
  };
  const join = async () => {
    if (!preview) return;
    setBusy(true);
    try {
      const r = await sendJson<{ slug: string }>('POST', '/api/enrollments', { enrollmentCode: code }, { csrfToken });
      router.push(`/courses/${r.slug}`);
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
      setBusy(false);
    }
  };
  return (
    <div className="card" data-testid="join-form">
      <form
        className="form"
        onSubmit={(e) => {
          check(e).catch(() => undefined);
        }}
      >
        <label htmlFor="enrollment-code">Enrollment code</label>
        <input
          id="enrollment-code"
          name="enrollmentCode"
          value={code}
          onChange={(e) => {
            setCode(e.target.value);
            setPreview(null);
          }}
          autoComplete="off"
          required
          maxLength={64}
        />
        <button type="submit" disabled={busy || code.trim() === ''}>
          Find the course
        </button>
      </form>
      {preview && (
        <div data-testid="join-preview">
          <h2>{preview.title}</h2>
          <p className="muted">{preview.description}</p>
          {preview.member ? (
            <p>
              You are already in this course: <Link href={`/courses/${preview.slug}`}>open it</Link>.
            </p>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => {
                join().catch(() => undefined);
              }}
            >
              Join {preview.title}
            </button>
          )}
        </div>
      )}
      <Outcome outcome={outcome} id="join-outcome" />
    </div>
  );
}
