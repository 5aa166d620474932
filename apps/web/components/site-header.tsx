import Link from 'next/link';
import { api } from '../lib/api-client';
import { SignOutButton } from './sign-out-button';
import { ResultNotifier } from './result-notifier';

const ROLE_LABEL = { STUDENT: 'Student', INSTRUCTOR: 'Instructor', ADMIN: 'Admin' } as const;

export async function SiteHeader() {
  const me = await api.me().catch(() => null);
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Epoch
      </Link>
      <nav className="user-nav" aria-label="Account">
        {me ? (
          <>
            {me.role === 'ADMIN' && (
              <>
                <Link href="/admin/courses">Courses</Link>
                <Link href="/admin/users">Users</Link>
                <Link href="/admin/audit">Audit log</Link>
              </>
            )}
            {me.role === 'STUDENT' && <Link href="/join">Join a course</Link>}
            <Link href="/account" className="user-name" data-testid="current-user" title="Your account">
              {me.name}
            </Link>
            <span className={`role-badge role-${me.role.toLowerCase()}`}>{ROLE_LABEL[me.role]}</span>
            <Link href="/account/notifications">Notifications</Link>
            <SignOutButton csrfToken={me.csrfToken} />
            <ResultNotifier />
          </>
        ) : (
          <Link href="/sign-in">Sign in</Link>
        )}
      </nav>
    </header>
  );
}
