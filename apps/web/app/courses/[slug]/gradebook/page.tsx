import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ZGradebookQuery } from '@epoch/contracts';
import { api, ApiError } from '../../../../lib/api-client';
import { cellText, totalText } from '../../../../lib/gradebook';
import { formatInZone } from '../../../../lib/schedule-form';
import { signInOn401 } from '../../../../lib/require-user';

export const dynamic = 'force-dynamic';

/** Students x exercises for the course's staff: the counted result per cell, marks, totals; filter, sort, CSV. */
export default async function GradebookPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const raw = await searchParams;
  const one = (k: string) => (typeof raw[k] === 'string' ? raw[k] : undefined);
  const parsed = ZGradebookQuery.safeParse({ q: one('q') || undefined, sort: one('sort'), order: one('order') });
  const query = parsed.success ? parsed.data : ZGradebookQuery.parse({});
  const back = `/courses/${slug}/gradebook`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  const book = await api.gradebook(slug, query).catch((e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  });
  const sortLink = (sort: 'name' | 'email' | 'total') => {
    const order = query.sort === sort && query.order === 'asc' ? 'desc' : 'asc';
    const p = new URLSearchParams({ sort, order, ...(query.q ? { q: query.q } : {}) });
    return `${back}?${p.toString()}`;
  };
  const arrow = (sort: string) => (query.sort === sort ? (query.order === 'asc' ? ' ▲' : ' ▼') : '');
  const csv = `/api/courses/${encodeURIComponent(slug)}/gradebook?${new URLSearchParams({ format: 'csv', sort: query.sort, order: query.order, ...(query.q ? { q: query.q } : {}) }).toString()}`;
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${slug}`}>Course</Link>
      </p>
      <h1>Gradebook</h1>
      <p className="muted">
        Each cell is the attempt that counts (best or last, per exercise), with its late and extension marks and the credit it counts for. The total adds each
        exercise&apos;s score (1 for a pass in time, the late credit for a late pass, 0 for a failure). Times in {book.timeZone}.
      </p>
      <form className="filters" method="get" action={back}>
        <label htmlFor="gb-q">Filter</label> <input id="gb-q" name="q" defaultValue={query.q ?? ''} placeholder="name or email" />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="order" value={query.order} />
        <button type="submit">Filter</button> · <a href={csv}>Download CSV</a>
      </form>
      <table className="table" data-testid="gradebook">
        <thead>
          <tr>
            <th>
              <Link href={sortLink('name')}>Student{arrow('name')}</Link>
            </th>
            <th>
              <Link href={sortLink('email')}>Email{arrow('email')}</Link>
            </th>
            {book.exercises.map((e) => (
              <th key={e.slug}>
                <Link href={`/courses/${slug}/exercises/${e.slug}/schedule`}>{e.title}</Link>
                <br />
                <span className="muted">
                  {e.countedResult === 'BEST' ? 'best' : 'last'}
                  {e.deadline ? `, due ${formatInZone(e.deadline, book.timeZone)}` : ''}
                </span>
              </th>
            ))}
            <th>
              <Link href={sortLink('total')}>Total{arrow('total')}</Link>
            </th>
          </tr>
        </thead>
        <tbody>
          {book.rows.map((r) => (
            <tr key={r.userId} data-testid={`gradebook-row-${r.email}`}>
              <td>{r.name}</td>
              <td>{r.email}</td>
              {r.cells.map((c) => {
                const t = cellText(c);
                return (
                  <td key={c.exerciseSlug} data-testid={`cell-${r.email}-${c.exerciseSlug}`}>
                    {c.counted ? <Link href={`/submissions/${c.counted.submissionId}`}>{t.main}</Link> : t.main}
                    {t.marks.length > 0 && <span className="muted"> ({t.marks.join(', ')})</span>}
                  </td>
                );
              })}
              <td data-testid={`total-${r.email}`}>
                {totalText(r.total, book.exercises.length)} <span className="muted">({r.passed} passed)</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {book.rows.length === 0 && <p className="muted">No student matches.</p>}
    </article>
  );
}
