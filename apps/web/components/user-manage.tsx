'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TPasswordResetLink, TUserDetail } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';
import { LocalTime } from './local-time';

/** An admin's controls for one account: name, e-mail and role; deactivate or reactivate; a password reset link. */
export function UserManage({ user, csrfToken, self }: { user: TUserDetail; csrfToken: string; self: boolean }) {
  const router = useRouter();
  const [edit, setEdit] = useState<TOutcome>(null);
  const [state, setState] = useState<TOutcome>(null);
  const [reset, setReset] = useState<TPasswordResetLink | null>(null);
  const [resetOutcome, setResetOutcome] = useState<TOutcome>(null);
  const base = `/api/admin/users/${encodeURIComponent(user.id)}`;

  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const next = { name: String(d.get('name') ?? ''), email: String(d.get('email') ?? ''), role: String(d.get('role') ?? user.role) };
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => v !== (user as unknown as Record<string, string>)[k]));
    if (Object.keys(changed).length === 0) return setEdit({ ok: true, text: 'Nothing changed.', lines: [] });
    try {
      await sendJson('PATCH', base, changed, { csrfToken });
      setEdit({ ok: true, text: `Saved: ${Object.keys(changed).join(', ')}.`, lines: [] });
      router.refresh();
    } catch (err) {
      setEdit(failure(err));
    }
  };
  const setActive = async (active: boolean) => {
    if (!active && !window.confirm(`Deactivate ${user.email}? Every session of the account ends now; submissions are kept.`)) return;
    try {
      const r = await sendJson<{ sessionsEnded: number }>('POST', `${base}/${active ? 'reactivate' : 'deactivate'}`, {}, { csrfToken });
      setState({
        ok: true,
        text: active ? 'Reactivated: the account can sign in again.' : `Deactivated: ${r.sessionsEnded} session(s) ended; the account cannot sign in.`,
        lines: [],
      });
      router.refresh();
    } catch (err) {
      setState(failure(err));
    }
  };
  const issueReset = async () => {
    try {
      setReset(await sendJson<TPasswordResetLink>('POST', `${base}/password-reset`, {}, { csrfToken }));
      setResetOutcome(null);
    } catch (err) {
      setResetOutcome(failure(err));
    }
  };

  return (
    <>
      <form
        className="card form"
        aria-labelledby="edit-title"
        onSubmit={(e) => {
          save(e).catch(() => undefined);
        }}
      >
        <h2 id="edit-title">Account</h2>
        <label htmlFor="u-name">Name</label>
        <input id="u-name" name="name" defaultValue={user.name} required maxLength={200} />
        <label htmlFor="u-email">Email</label>
        <input id="u-email" name="email" type="email" defaultValue={user.email} required maxLength={320} />
        <label htmlFor="u-role">Role</label>
        <select id="u-role" name="role" defaultValue={user.role}>
          <option value="STUDENT">Student</option>
          <option value="INSTRUCTOR">Instructor</option>
          <option value="ADMIN">Admin</option>
        </select>
        <button type="submit" className="primary">
          Save changes
        </button>
        <Outcome outcome={edit} id="edit-user-outcome" />
      </form>
      <section className="card" aria-labelledby="access-title">
        <h2 id="access-title">Access</h2>
        {user.deactivatedAt ? (
          <>
            <p data-testid="user-state">
              Deactivated on <LocalTime iso={user.deactivatedAt} />: cannot sign in. Submissions are kept.
            </p>
            <button
              type="button"
              onClick={() => {
                setActive(true).catch(() => undefined);
              }}
            >
              Reactivate
            </button>
          </>
        ) : (
          <>
            <p data-testid="user-state">
              Active, {user.liveSessions} live session(s), {user.submissions} submission(s).
            </p>
            {!self && (
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setActive(false).catch(() => undefined);
                }}
              >
                Deactivate
              </button>
            )}
          </>
        )}
        <Outcome outcome={state} id="user-state-outcome" />
      </section>
      {!user.deactivatedAt && (
        <section className="card" aria-labelledby="reset-title">
          <h2 id="reset-title">Password</h2>
          <p className="muted">
            A one-time link to set a new password (any older link stops working). Give it to {user.name} yourself, or by e-mail when this server sends e-mail.
          </p>
          <button
            type="button"
            onClick={() => {
              issueReset().catch(() => undefined);
            }}
          >
            Create a password link
          </button>
          {reset && (
            <div role="status" className="ok-text" data-testid="reset-link">
              <p>
                Valid once, until <LocalTime iso={reset.expiresAt} />
                {reset.emailed ? `; also e-mailed to ${user.email}` : '; shown only now'}:
              </p>
              <p>
                <code data-testid="reset-url">{reset.url}</code>
              </p>
            </div>
          )}
          <Outcome outcome={resetOutcome} id="reset-link-outcome" />
        </section>
      )}
    </>
  );
}
