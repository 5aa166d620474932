import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangePasswordForm, SignOutEverywhereButton } from '../../components/password-forms';
import { api, ApiError } from '../../lib/api-client';
import { signInOn401 } from '../../lib/require-user';

export const metadata: Metadata = { title: 'Your account · Epoch' };
export const dynamic = 'force-dynamic';

export default async function AccountPage() {
  const me = await api.me();
  if (!me) return signInOn401('/account')(new ApiError(401, 'sign in'));
  const site = await api.site();
  return (
    <div className="narrow">
      <h1>Your account</h1>
      <section className="card">
        <p>
          <strong data-testid="account-name">{me.name}</strong> · {me.email} · {me.role.toLowerCase()}
        </p>
        {me.courses.length > 0 ? (
          <ul>
            {me.courses.map((c) => (
              <li key={c.slug}>
                <Link href={`/courses/${c.slug}`}>{c.title}</Link> ({c.role.toLowerCase()})
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">
            You are in no course yet. <Link href="/join">Join a course</Link> with its code.
          </p>
        )}
      </section>
      <p>
        <Link href="/account/notifications">Notification preferences</Link>: result e-mails, deadline reminders, browser notifications.
      </p>
      <ChangePasswordForm csrfToken={me.csrfToken} rules={site.passwordRules} />
      <SignOutEverywhereButton csrfToken={me.csrfToken} />
    </div>
  );
}
