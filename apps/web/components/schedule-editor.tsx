'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TScheduleView, TStudentExceptionView } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { formatInZone, fromZonedInput, lateCreditFromText, lateCreditToText, toZonedInput } from '../lib/schedule-form';
import { failure, Outcome, type TOutcome } from './form-outcome';

const enc = encodeURIComponent;
const field = (data: FormData, name: string) => String(data.get(name) ?? '');

/** The exercise's schedule, in the course's time zone (course staff). */
export function ScheduleEditor({ course, slug, view, csrfToken }: { course: string; slug: string; view: TScheduleView; csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const tz = view.timeZone;
  const s = view.schedule;
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const opensAt = fromZonedInput(field(data, 'opensAt'), tz);
    const deadline = fromZonedInput(field(data, 'deadline'), tz);
    const late = lateCreditFromText(field(data, 'lateCredit'));
    const bad = [
      'error' in opensAt ? `Opens: ${opensAt.error}` : null,
      'error' in deadline ? `Deadline: ${deadline.error}` : null,
      'error' in late ? `Late windows: ${late.error}` : null,
    ].filter((x): x is string => x !== null);
    if (bad.length || 'error' in opensAt || 'error' in deadline || 'error' in late) {
      setOutcome({ ok: false, text: 'Not saved:', lines: bad });
      return;
    }
    try {
      const done = await sendJson<TScheduleView>(
        'PUT',
        `/api/courses/${enc(course)}/exercises/${enc(slug)}/schedule`,
        {
          opensAt: opensAt.iso,
          deadline: deadline.iso,
          latePolicy: field(data, 'latePolicy'),
          lateCredit: late.lateCredit,
          resultVisibility: field(data, 'resultVisibility'),
          countedResult: field(data, 'countedResult'),
        },
        { csrfToken },
      );
      const r = done.redecided;
      setOutcome({
        ok: true,
        text: `Saved as version ${done.version}.${r ? ` ${r.recredited} stored result${r.recredited === 1 ? '' : 's'} re-credited.` : ''}`,
        lines: [],
      });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form className="card form" data-testid="schedule-form" onSubmit={(e) => void save(e).catch(() => undefined)} noValidate>
      <h2>Schedule</h2>
      <p className="muted">Times are in the course&apos;s time zone, {tz}.</p>
      <div className="field">
        <label htmlFor="s-opensAt">Opens (empty: at once)</label>
        <input id="s-opensAt" name="opensAt" type="datetime-local" defaultValue={toZonedInput(s.opensAt, tz)} />
      </div>
      <div className="field">
        <label htmlFor="s-deadline">Deadline (empty: none)</label>
        <input id="s-deadline" name="deadline" type="datetime-local" defaultValue={toZonedInput(s.deadline, tz)} />
      </div>
      <div className="field">
        <label htmlFor="s-latePolicy">Late work</label>
        <select id="s-latePolicy" name="latePolicy" defaultValue={s.latePolicy}>
          <option value="ACCEPT">accepted (with the late windows&apos; credit)</option>
          <option value="REFUSE">refused after the deadline</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="s-lateCredit">Late windows (hours after the deadline : % credit, e.g. 24:80, 48:50; then closed)</label>
        <input id="s-lateCredit" name="lateCredit" defaultValue={lateCreditToText(s.lateCredit)} placeholder="empty: late work counts in full" />
      </div>
      <div className="field">
        <label htmlFor="s-resultVisibility">Results shown</label>
        <select id="s-resultVisibility" name="resultVisibility" defaultValue={s.resultVisibility}>
          <option value="IMMEDIATE">at once</option>
          <option value="AFTER_DEADLINE">after the deadline</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="s-countedResult">Attempt that counts</label>
        <select id="s-countedResult" name="countedResult" defaultValue={s.countedResult}>
          <option value="BEST">the best one</option>
          <option value="LAST">the last one</option>
        </select>
      </div>
      <button type="submit">Save schedule</button>
      <Outcome outcome={outcome} id="schedule-outcome" />
    </form>
  );
}

/** The course's time zone (course staff). */
export function TimeZoneForm({ course, timeZone, csrfToken }: { course: string; timeZone: string; csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    try {
      const done = await sendJson<{ timeZone: string }>(
        'PUT',
        `/api/courses/${enc(course)}/time-zone`,
        { timeZone: field(new FormData(e.currentTarget), 'timeZone').trim() },
        { csrfToken },
      );
      setOutcome({ ok: true, text: `The course's time zone is now ${done.timeZone}.`, lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form className="card form" data-testid="time-zone-form" onSubmit={(e) => void save(e).catch(() => undefined)} noValidate>
      <h2>Course time zone</h2>
      <div className="field">
        <label htmlFor="tz">IANA time zone (e.g. Europe/Berlin); the quota day follows it</label>
        <input id="tz" name="timeZone" defaultValue={timeZone} />
      </div>
      <button type="submit">Save time zone</button>
      <Outcome outcome={outcome} id="time-zone-outcome" />
    </form>
  );
}

const numberOrNull = (v: string) => (v.trim() === '' ? null : Number(v));

/** Students' extensions and quota overrides: the list, and a form to set or remove one (course staff). */
export function ExceptionsEditor({
  course,
  slug,
  timeZone,
  students,
  items,
  csrfToken,
}: {
  course: string;
  slug: string;
  timeZone: string;
  students: { userId: string; name: string; email: string }[];
  items: TStudentExceptionView[];
  csrfToken: string;
}) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const deadline = fromZonedInput(field(data, 'deadline'), timeZone);
    if ('error' in deadline) {
      setOutcome({ ok: false, text: 'Not saved:', lines: [`New deadline: ${deadline.error}`] });
      return;
    }
    const userId = field(data, 'userId');
    try {
      const done = await sendJson<TStudentExceptionView & { recredited: number }>(
        'PUT',
        `/api/courses/${enc(course)}/exercises/${enc(slug)}/exceptions/${enc(userId)}`,
        {
          deadline: deadline.iso,
          extraSubmissions: Number(field(data, 'extraSubmissions') || 0),
          dailyQuota: numberOrNull(field(data, 'dailyQuota')),
          totalQuota: numberOrNull(field(data, 'totalQuota')),
          note: field(data, 'note').trim() || null,
        },
        { csrfToken },
      );
      setOutcome({ ok: true, text: `Saved for ${done.name} (version ${done.version}); ${done.recredited} of their results re-decided.`, lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  const remove = async (userId: string) => {
    try {
      await sendJson('DELETE', `/api/courses/${enc(course)}/exercises/${enc(slug)}/exceptions/${enc(userId)}`, undefined, { csrfToken });
      setOutcome({ ok: true, text: 'Removed.', lines: [] });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <section className="card" aria-labelledby="exceptions-title">
      <h2 id="exceptions-title">Extensions and quota overrides</h2>
      {items.length === 0 ? (
        <p className="muted">No student has an exception.</p>
      ) : (
        <table className="table" data-testid="exceptions-table">
          <thead>
            <tr>
              <th>Student</th>
              <th>Deadline</th>
              <th>Extra submissions</th>
              <th>Daily quota</th>
              <th>Total quota</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((x) => (
              <tr key={x.userId}>
                <td>
                  {x.name} <span className="muted">{x.email}</span>
                </td>
                <td>{x.deadline ? formatInZone(x.deadline, timeZone) : 'the exercise’s'}</td>
                <td>{x.extraSubmissions}</td>
                <td>{x.dailyQuota ?? 'policy'}</td>
                <td>{x.totalQuota ?? 'policy'}</td>
                <td>{x.note ?? ''}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => void remove(x.userId).catch(() => undefined)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" data-testid="exception-form" onSubmit={(e) => void save(e).catch(() => undefined)} noValidate>
        <div className="field">
          <label htmlFor="x-user">Student</label>
          <select id="x-user" name="userId">
            {students.map((s) => (
              <option key={s.userId} value={s.userId}>
                {s.name} ({s.email})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="x-deadline">New deadline ({timeZone}; empty: the exercise&apos;s)</label>
          <input id="x-deadline" name="deadline" type="datetime-local" />
        </div>
        <div className="field">
          <label htmlFor="x-extra">Extra submissions</label>
          <input id="x-extra" name="extraSubmissions" inputMode="numeric" defaultValue="0" />
        </div>
        <div className="field">
          <label htmlFor="x-daily">Daily quota (empty: the policy&apos;s)</label>
          <input id="x-daily" name="dailyQuota" inputMode="numeric" />
        </div>
        <div className="field">
          <label htmlFor="x-total">Total quota (empty: the policy&apos;s)</label>
          <input id="x-total" name="totalQuota" inputMode="numeric" />
        </div>
        <div className="field">
          <label htmlFor="x-note">Note</label>
          <input id="x-note" name="note" />
        </div>
        <button type="submit">Save exception</button>
      </form>
      <Outcome outcome={outcome} id="exception-outcome" />
    </section>
  );
}
