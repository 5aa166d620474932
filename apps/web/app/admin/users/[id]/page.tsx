import Link from 'next/link';
import { notFound } from 'next/navigation';
import { UserManage } from '../../../../components/user-manage';
import { api, ApiError } from '../../../../lib/api-client';
import { signInOn401 } from '../../../../lib/require-user';
import { LocalTime } from '../../../../components/local-time';

export const dynamic = 'force-dynamic';

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const back = `/admin/users/${id}`;
  const me = await api.me();
  if (!me) return signInOn401(back)(new ApiError(401, 'sign in'));
  if (me.role !== 'ADMIN') notFound();
  const user = await api.user(id).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) notFound();
    return signInOn401(back)(e);
  });
  return (
    <article>
      <p className="muted">
        <Link href="/admin/users">Users</Link> · <Link href={`/admin/audit?entityType=User&entityId=${user.id}`}>audit log of this user</Link>
      </p>
      <h1>{user.name}</h1>
      <p className="muted">
        {user.email} · {user.role.toLowerCase()} · created <LocalTime iso={user.createdAt} />
      </p>
      <UserManage user={user} csrfToken={me.csrfToken} self={user.id === me.id} />
      <section className="card" aria-labelledby="courses-title">
        <h2 id="courses-title">Courses</h2>
        {user.courses.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul>
            {user.courses.map((c) => (
              <li key={c.slug}>
                <Link href={`/courses/${c.slug}`}>{c.title}</Link> ({c.role.toLowerCase()}, since <LocalTime iso={c.joinedAt} />)
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
