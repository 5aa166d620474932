import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <Link href="/">Back to the courses</Link>
      </p>
    </div>
  );
}
