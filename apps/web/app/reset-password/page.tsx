import type { Metadata } from 'next';
import Link from 'next/link';
import { ResetPasswordForm } from '../../components/password-forms';
import { api, ApiError } from '../../lib/api-client';
import { LocalTime } from '../../components/local-time';

export const metadata: Metadata = { title: 'Set your password · Epoch' };
export const dynamic = 'force-dynamic';

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  const t = typeof token === 'string' ? token : '';
  const [info, site] = await Promise.all([
    api.passwordReset(t).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 400) return e;
      throw e;
    }),
    api.site(),
  ]);
  return (
    <div className="narrow">
      <h1>Set your password</h1>
      {info instanceof ApiError ? (
        <div className="card">
          <p role="alert" className="error-text" data-testid="reset-error">
            {info.message}
          </p>
          <p>
            <Link href="/sign-in">Sign in</Link>
          </p>
        </div>
      ) : (
        <>
          <p className="muted">
            For <strong data-testid="reset-email">{info.email}</strong>; this link works once, until <LocalTime iso={info.expiresAt} />.
          </p>
          <ResetPasswordForm token={t} rules={site.passwordRules} />
        </>
      )}
    </div>
  );
}
