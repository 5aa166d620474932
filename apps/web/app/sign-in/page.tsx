import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInForm } from '../../components/sign-in-form';
import { api } from '../../lib/api-client';

export const metadata: Metadata = { title: 'Sign in · Epoch' };
export const dynamic = 'force-dynamic';

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[]; email?: string | string[]; reset?: string | string[]; sso_error?: string | string[] }>;
}) {
  const q = await searchParams;
  // Demo mode lists the demo accounts (their passwords are published); production mode lists none.
  const site = await api.site().catch(() => null);
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {one(q.reset) === '1' && (
        <p role="status" className="ok-text" data-testid="reset-done">
          Your password is set. Sign in with it.
        </p>
      )}
      {one(q.sso_error) && (
        <p role="alert" className="error-text" data-testid="sso-error">
          Single sign-on failed: {one(q.sso_error)}
        </p>
      )}
      {site?.oidc && (
        <p>
          {/* A plain link: the API redirects to the identity provider and back (not a client-side fetch). */}
          <a className="button-link" data-testid="oidc-sign-in" href={`${site.oidc.startUrl}?next=${encodeURIComponent(one(q.next) ?? '/')}`}>
            Sign in with {site.oidc.name}
          </a>
        </p>
      )}
      {site?.passwordLogin !== false && (
        <>
          {site?.oidc && <p className="muted">or with your Epoch e-mail and password:</p>}
          <SignInForm next={one(q.next)} email={one(q.email)} />
          <p className="muted">
            Forgot your password? Ask an administrator for a password link. New student? Sign in with the account you were given, then{' '}
            <Link href="/join">join your course</Link> with its code.
          </p>
        </>
      )}
      {site?.demo && site.demoAccounts.length > 0 && (
        <section className="card" aria-labelledby="demo-title" data-testid="demo-accounts">
          <h2 id="demo-title">Demo accounts</h2>
          <p className="muted">This server runs the demo: these accounts and their passwords are public.</p>
          <table className="class-table">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Email</th>
                <th scope="col">Password</th>
              </tr>
            </thead>
            <tbody>
              {site.demoAccounts.map((a) => (
                <tr key={a.email}>
                  <td>{a.role.toLowerCase()}</td>
                  <td>{a.email}</td>
                  <td>
                    <code>{a.password}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
