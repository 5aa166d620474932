import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CreateUserForm, RosterImport } from '../../../components/user-admin';
import { api, ApiError } from '../../../lib/api-client';
import { signInOn401 } from '../../../lib/require-user';
import { LocalTime } from '../../../components/local-time';

export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const me = await api.me();
  if (!me) signInOn401('/admin/users')(new ApiError(401, 'sign in'));
  if (me?.role !== 'ADMIN') notFound();
  const users = await api.users().catch(signInOn401('/admin/users'));
  return (
    <article className="wide">
      <h1>Users</h1>
      <div className="admin-forms">
        <CreateUserForm csrfToken={me.csrfToken} />
        <RosterImport csrfToken={me.csrfToken} />
      </div>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">
          All users ({users.total}
          {users.total > users.items.length ? `, first ${users.items.length} shown` : ''})
        </h2>
        <div className="table-scroll">
          <table className="class-table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {users.items.map((u) => (
                <tr key={u.id}>
                  <td>
                    <Link href={`/admin/users/${u.id}`}>{u.name}</Link>
                  </td>
                  <td>{u.email}</td>
                  <td>
                    <span className={`role-badge role-${u.role.toLowerCase()}`}>{u.role.toLowerCase()}</span>
                  </td>
                  <td>
                    <LocalTime iso={u.createdAt} />
                  </td>
                  <td>{u.deactivatedAt ? 'deactivated' : 'active'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </article>
  );
}
