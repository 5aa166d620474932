import Link from 'next/link';
import { api } from '../lib/api-client';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const { items } = await api.courses();
  return (
    <>
      <h1>Courses</h1>
      {items.length === 0 && (
        <p className="muted">
          No courses yet. Run <code>./epoch db seed</code>.
        </p>
      )}
      {items.map((c) => (
        <div key={c.slug} className="card">
          <h2>
            <Link href={`/courses/${c.slug}`}>{c.title}</Link>
          </h2>
          <p className="muted">{c.description}</p>
        </div>
      ))}
    </>
  );
}
