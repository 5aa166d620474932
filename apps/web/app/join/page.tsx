import type { Metadata } from 'next';
import { JoinForm } from '../../components/join-form';
import { api } from '../../lib/api-client';

export const metadata: Metadata = { title: 'Join a course · Epoch' };
export const dynamic = 'force-dynamic';

export default async function JoinPage() {
  const me = await api.me();
  return (
    <div className="narrow">
      <h1>Join a course</h1>
      <p className="muted">Enter the enrollment code your instructor gave you. You see the course before you join.</p>
      {me && me.role !== 'STUDENT' ? (
        <p className="card">Courses are joined by students; an administrator makes instructors part of a course.</p>
      ) : (
        <JoinForm csrfToken={me?.csrfToken ?? ''} signedIn={me !== null} back="/join" />
      )}
    </div>
  );
}
