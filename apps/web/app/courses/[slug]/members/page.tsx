import Link from 'next/link';
import { notFound } from 'next/navigation';
import { EnrollmentControls, RemoveMemberButton } from '../../../../components/course-members';
import { api, ApiError } from '../../../../lib/api-client';
import { signInOn401 } from '../../../../lib/require-user';
import { LocalTime } from '../../../../components/local-time';

export const dynamic = 'force-dynamic';

const VIA = { CODE: 'with the code', STAFF: 'added by staff', ROSTER: 'roster import', SEED: 'demo', LTI: 'from the LMS' } as const;

/** The course's staff: how students join, and who is in the course since when. */
export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const back = `/courses/${slug}/members`;
  const me = await api.me();
  if (!me) return signInOn401(back)(new ApiError(401, 'sign in'));
  const data = await api.members(slug).catch((e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  });
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${slug}`}>{data.title}</Link> · <Link href={`/courses/${slug}/content`}>content</Link>
      </p>
      <h1>Members</h1>
      <EnrollmentControls data={data} csrfToken={me.csrfToken} />
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">In the course ({data.members.length}), newest first</h2>
        <div className="table-scroll">
          <table className="class-table" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">How</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>{m.courseRole.toLowerCase()}</td>
                  <td>
                    <LocalTime iso={m.enrolledAt} />
                  </td>
                  <td>{VIA[m.joinedVia]}</td>
                  <td>
                    {(m.courseRole === 'STUDENT' || me.role === 'ADMIN') && m.userId !== me.id && (
                      <RemoveMemberButton course={slug} userId={m.userId} name={m.name} csrfToken={me.csrfToken} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">Removing someone keeps their submissions and results; they come back if the student joins again.</p>
      </section>
    </article>
  );
}
