'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { postJson } from '../lib/browser-api';

/** Where to go after signing in: only a path of this site (never another origin). */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInForm({ next, email }: { next?: string; email?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await postJson('/api/auth/sign-in', { email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') });
      router.push(safeNext(next));
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
      aria-describedby={error ? 'sign-in-error' : undefined}
    >
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" defaultValue={email} required />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p id="sign-in-error" role="alert" className="error-text">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
