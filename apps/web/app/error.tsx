'use client';
import Link from 'next/link';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card" role="alert">
      <h1>Something went wrong</h1>
      <p>This page could not be shown. {error.digest ? <span className="muted">(reference {error.digest})</span> : null}</p>
      <p className="actions">
        <button type="button" className="primary" onClick={reset}>
          Try again
        </button>
        <Link href="/">Back to the courses</Link>
      </p>
    </div>
  );
}
