import type { Metadata } from 'next';
import { LtiPicker } from '../../../components/lti-picker';
import { api, ApiError } from '../../../lib/api-client';

export const metadata: Metadata = { title: 'Choose the exercise · Epoch' };
export const dynamic = 'force-dynamic';

/** Where an instructor's LMS launch lands when the link has no exercise yet, or the LMS asked for one (Deep Linking). */
export default async function LtiPickPage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  const q = await searchParams;
  const id = typeof q.id === 'string' ? q.id : '';
  const me = await api.me();
  const view = me
    ? await api.ltiPick(id).catch((e: unknown) => {
        if (e instanceof ApiError) return e.message;
        throw e;
      })
    : 'sign-in from the LMS again: this page needs the session the launch opened';
  return (
    <div className="narrow">
      <h1>Choose the exercise</h1>
      {typeof view === 'string' ? (
        <p className="card error-text">{view}</p>
      ) : (
        <>
          <p className="muted">
            {view.kind === 'deep-link' ? (
              <>
                {view.platform} asks which Epoch exercise to add to <strong>{view.title}</strong>. Students who open it land on the exercise, and their grade
                goes back to the LMS.
              </>
            ) : (
              <>
                The link <strong>{view.title}</strong> in {view.platform} has no exercise yet. Choose it once: every student who opens the link lands on it.
              </>
            )}
          </p>
          <LtiPicker id={id} view={view} csrfToken={me!.csrfToken} />
        </>
      )}
    </div>
  );
}
