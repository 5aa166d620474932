'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

/** The new-password fields with the rules shown beside them (the server checks them too). */
function NewPassword({ rules }: { rules: string }) {
  return (
    <>
      <label htmlFor="new-password">New password</label>
      <input
        id="new-password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        minLength={10}
        maxLength={256}
        required
        aria-describedby="password-rules"
      />
      <p id="password-rules" className="muted" data-testid="password-rules">
        {rules}
      </p>
      <label htmlFor="repeat-password">Repeat the new password</label>
      <input id="repeat-password" name="repeatPassword" type="password" autoComplete="new-password" required />
    </>
  );
}

const repeated = (d: FormData): string | null =>
  String(d.get('newPassword') ?? '') === String(d.get('repeatPassword') ?? '') ? null : 'The two new passwords differ.';

export function ChangePasswordForm({ csrfToken, rules }: { csrfToken: string; rules: string }) {
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const differ = repeated(d);
    if (differ) return setOutcome({ ok: false, text: differ, lines: [] });
    try {
      await sendJson(
        'POST',
        '/api/auth/password',
        { currentPassword: String(d.get('currentPassword') ?? ''), newPassword: String(d.get('newPassword') ?? '') },
        { csrfToken },
      );
      form.reset();
      setOutcome({ ok: true, text: 'Your password is changed. Your other sessions were signed out; this one stays.', lines: [] });
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form
      className="card form"
      aria-labelledby="password-title"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
    >
      <h2 id="password-title">Change your password</h2>
      <label htmlFor="current-password">Current password</label>
      <input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required />
      <NewPassword rules={rules} />
      <button type="submit" className="primary">
        Change password
      </button>
      <Outcome outcome={outcome} id="password-outcome" />
    </form>
  );
}

export function SignOutEverywhereButton({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const run = async () => {
    try {
      await sendJson('POST', '/api/auth/sign-out-everywhere', {}, { csrfToken });
      router.push('/sign-in');
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <section className="card" aria-labelledby="everywhere-title">
      <h2 id="everywhere-title">Sign out everywhere</h2>
      <p className="muted">Ends every session of your account, on every device, this one included.</p>
      <button
        type="button"
        onClick={() => {
          run().catch(() => undefined);
        }}
      >
        Sign out everywhere
      </button>
      <Outcome outcome={outcome} id="everywhere-outcome" />
    </section>
  );
}

/** Setting a password with a reset link (signed out). */
export function ResetPasswordForm({ token, rules }: { token: string; rules: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    const differ = repeated(d);
    if (differ) return setOutcome({ ok: false, text: differ, lines: [] });
    try {
      const r = await sendJson<{ email: string }>('POST', '/api/auth/password-reset', { token, newPassword: String(d.get('newPassword') ?? '') });
      router.push(`/sign-in?email=${encodeURIComponent(r.email)}&reset=1`);
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
    >
      <NewPassword rules={rules} />
      <button type="submit" className="primary">
        Set password
      </button>
      <Outcome outcome={outcome} id="reset-outcome" />
    </form>
  );
}
