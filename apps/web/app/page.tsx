import Link from 'next/link';
import { api } from '../lib/api-client';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const { items } = await api.courses();
  return (
    <>
      <h1>Courses</h1>
      <p>
        Have an enrollment code? <Link href="/join">Join a course</Link>.
      </p>
      {items.length === 0 && (
        <p className="muted">
          No courses yet. Load one with <code>./epoch content sync DIR|GIT-URL</code> (or <code>./epoch db seed</code> for the demo).
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
