import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ContentSync } from '../../../../components/content-sync';
import { api, ApiError } from '../../../../lib/api-client';
import { signInOn401 } from '../../../../lib/require-user';
import { LocalTime } from '../../../../components/local-time';

export const dynamic = 'force-dynamic';

/** The course's staff load its content from files: an uploaded archive or its git repository, diff first. */
export default async function ContentPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const back = `/courses/${slug}/content`;
  const me = await api.me();
  if (!me) return signInOn401(back)(new ApiError(401, 'sign in'));
  const hide = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  };
  const [status, course] = await Promise.all([api.content(slug).catch(hide), api.course(slug).catch(hide)]);
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${slug}`}>{course.title}</Link> · <Link href={`/courses/${slug}/members`}>members</Link>
      </p>
      <h1>Course content</h1>
      <p className="muted">
        Lessons, steps and exercises come from the course&apos;s files (<code>course.yaml</code>, <code>steps/</code>, one folder per exercise). Earlier
        versions of steps stay readable; removed exercises keep their results; a grading policy an admin edited here is never replaced without saying so.
      </p>
      <ContentSync status={status} csrfToken={me.csrfToken} />
      <section className="card" aria-labelledby="syncs-title">
        <h2 id="syncs-title">Syncs</h2>
        {status.syncs.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="class-table" data-testid="syncs-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Source</th>
                  <th scope="col">Revision</th>
                  <th scope="col">What changed</th>
                </tr>
              </thead>
              <tbody>
                {status.syncs.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <LocalTime iso={s.at} />
                    </td>
                    <td>{s.by ? s.by.name : 'command line'}</td>
                    <td>{s.source}</td>
                    <td>
                      <code>{s.revision.slice(0, 12)}</code>
                    </td>
                    <td>{s.summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}
