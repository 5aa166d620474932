import Link from 'next/link';
import { notFound } from 'next/navigation';
import { api, ApiError } from '../../../lib/api-client';
import { signInOn401 } from '../../../lib/require-user';
import { LocalTime } from '../../../components/local-time';

export const dynamic = 'force-dynamic';

const FILTERS = ['action', 'actor', 'entityType', 'entityId', 'from', 'to', 'page'] as const;
type TFilters = Partial<Record<(typeof FILTERS)[number], string>>;

/** A date input's `YYYY-MM-DD` as the API's instant (the start of that day, UTC). */
const dayStart = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : undefined);
const dayAfter = (v: string | undefined) =>
  v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(Date.parse(`${v}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const f: TFilters = Object.fromEntries(FILTERS.flatMap((k) => (typeof raw[k] === 'string' && raw[k] !== '' ? [[k, raw[k]]] : [])));
  const me = await api.me();
  if (!me) return signInOn401('/admin/audit')(new ApiError(401, 'sign in'));
  if (me.role !== 'ADMIN') notFound();
  const q = new URLSearchParams({ pageSize: '50' });
  for (const k of ['action', 'actor', 'entityType', 'entityId', 'page'] as const) if (f[k]) q.set(k, f[k]);
  const from = dayStart(f.from);
  const to = dayAfter(f.to);
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  const log = await api.audit(q.toString()).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 400) return e;
    return signInOn401('/admin/audit')(e);
  });
  const page = Number(f.page ?? '1') || 1;
  const link = (p: number) => `/admin/audit?${new URLSearchParams({ ...f, page: String(p) } as Record<string, string>).toString()}`;
  return (
    <article className="wide">
      <h1>Audit log</h1>
      <form className="card filters" method="get" action="/admin/audit" data-testid="audit-filters">
        <label>
          Action
          <select name="action" defaultValue={f.action ?? ''}>
            <option value="">any</option>
            {!(log instanceof ApiError) &&
              [...new Set(log.actions.map((a) => `${a.split('.')[0]}.`))].map((prefix) => (
                <option key={prefix} value={prefix}>
                  {prefix}*
                </option>
              ))}
            {!(log instanceof ApiError) &&
              log.actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
          </select>
        </label>
        <label>
          Who (e-mail, or &quot;system&quot;)
          <input name="actor" defaultValue={f.actor ?? ''} />
        </label>
        <label>
          Entity
          <select name="entityType" defaultValue={f.entityType ?? ''}>
            <option value="">any</option>
            <option value="User">User</option>
            <option value="Course">Course</option>
            <option value="Exercise">Exercise</option>
            <option value="Submission">Submission</option>
          </select>
        </label>
        <label>
          Entity id
          <input name="entityId" defaultValue={f.entityId ?? ''} />
        </label>
        <label>
          From
          <input name="from" type="date" defaultValue={f.from ?? ''} />
        </label>
        <label>
          To
          <input name="to" type="date" defaultValue={f.to ?? ''} />
        </label>
        <button type="submit">Filter</button> <Link href="/admin/audit">Clear</Link>
      </form>
      {log instanceof ApiError ? (
        <p role="alert" className="error-text">
          {log.message}
        </p>
      ) : (
        <section className="card">
          <p className="muted" data-testid="audit-count">
            {log.total} entries{log.total > log.items.length ? `, ${log.items.length} on this page (page ${page})` : ''}
          </p>
          <div className="table-scroll">
            <table className="class-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Entity</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {log.items.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <LocalTime iso={e.at} />
                    </td>
                    <td>{e.actor ? `${e.actor.name} (${e.actor.email})` : 'system'}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.entityType} <code>{e.entityId}</code>
                    </td>
                    <td className="audit-data">
                      <code>{JSON.stringify(e.data).slice(0, 300)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            {page > 1 && <Link href={link(page - 1)}>Newer</Link>} {page * log.pageSize < log.total && <Link href={link(page + 1)}>Older</Link>}
          </p>
        </section>
      )}
    </article>
  );
}
