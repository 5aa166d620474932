'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TCourseMembers } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

/** `2027-01-31T09:00` for an ISO instant, in the browser's time zone (what datetime-local inputs take). */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const isoOf = (local: string): string | null => (local ? new Date(local).toISOString() : null);

/** The course staff's controls: the code (regenerate, turn off), the enrollment window, and removing members. */
export function EnrollmentControls({ data, csrfToken }: { data: TCourseMembers; csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const base = `/api/courses/${encodeURIComponent(data.slug)}`;
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    try {
      await sendJson(
        'PUT',
        `${base}/enrollment`,
        { codeEnabled: d.get('codeEnabled') === 'on', opensAt: isoOf(String(d.get('opensAt') ?? '')), closesAt: isoOf(String(d.get('closesAt') ?? '')) },
        { csrfToken },
      );
      setOutcome({ ok: true, text: 'Enrollment settings saved.', lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  const regenerate = async () => {
    if (!window.confirm('Make a new code? The current one stops working at once.')) return;
    try {
      const r = await sendJson<{ enrollmentCode: string }>('POST', `${base}/enrollment-code`, {}, { csrfToken });
      setOutcome({ ok: true, text: `New code: ${r.enrollmentCode}. The old one no longer works.`, lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  const e = data.enrollment;
  return (
    <section className="card" aria-labelledby="enrollment-title">
      <h2 id="enrollment-title">Joining by code</h2>
      <p>
        Students join at <code>/join</code> with the code <strong data-testid="enrollment-code">{e.enrollmentCode}</strong>
        {e.codeEnabled ? '' : ' (turned off)'}.
      </p>
      <button
        type="button"
        onClick={() => {
          regenerate().catch(() => undefined);
        }}
      >
        Make a new code
      </button>
      <form
        className="form"
        onSubmit={(ev) => {
          save(ev).catch(() => undefined);
        }}
      >
        <label className="check">
          <input type="checkbox" name="codeEnabled" defaultChecked={e.codeEnabled} /> The code is accepted
        </label>
        <label htmlFor="opens-at">Joining opens (your time; empty: now)</label>
        <input id="opens-at" name="opensAt" type="datetime-local" defaultValue={localInput(e.opensAt)} />
        <label htmlFor="closes-at">Joining closes (your time; empty: never)</label>
        <input id="closes-at" name="closesAt" type="datetime-local" defaultValue={localInput(e.closesAt)} />
        <button type="submit" className="primary">
          Save enrollment settings
        </button>
      </form>
      <Outcome outcome={outcome} id="enrollment-outcome" />
    </section>
  );
}

export function RemoveMemberButton({ course, userId, name, csrfToken }: { course: string; userId: string; name: string; csrfToken: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    if (!window.confirm(`Remove ${name} from the course? Their submissions and results are kept.`)) return;
    try {
      await sendJson('DELETE', `/api/courses/${encodeURIComponent(course)}/members/${encodeURIComponent(userId)}`, undefined, { csrfToken });
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          remove().catch(() => undefined);
        }}
      >
        Remove
      </button>
      {error && <span className="error-text">{error}</span>}
    </>
  );
}

export function LeaveCourseButton({ course, csrfToken }: { course: string; csrfToken: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const leave = async () => {
    if (!window.confirm('Leave this course? Your submissions and results are kept; you can join again with the code.')) return;
    try {
      await sendJson('POST', `/api/courses/${encodeURIComponent(course)}/leave`, {}, { csrfToken });
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          leave().catch(() => undefined);
        }}
      >
        Leave this course
      </button>
      {error && <span className="error-text">{error}</span>}
    </>
  );
}
