'use client';
import { useEffect, useRef, useState } from 'react';
import type { TLtiPickResult, TLtiPickView } from '@epoch/contracts';
import { sendJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

/**
 * The instructor's exercise picker of an LMS link: the choice maps the link and opens the exercise, or (Deep Linking)
 * is posted back to the LMS as the signed response it asked for.
 */
export function LtiPicker({ id, view, csrfToken }: { id: string; view: TLtiPickView; csrfToken: string }) {
  const [exerciseId, setExerciseId] = useState(view.exercises[0]?.id ?? '');
  const [post, setPost] = useState<Extract<TLtiPickResult, { kind: 'form_post' }> | null>(null);
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const pick = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const r = await sendJson<TLtiPickResult>('POST', `/api/lti/picks/${encodeURIComponent(id)}`, { exerciseId }, { csrfToken });
      if (r.kind === 'redirect') window.location.assign(r.url);
      // The form is rendered with the response's fields, then sent to the LMS (the effect below).
      else setPost(r);
    } catch (err) {
      setOutcome(failure(err));
      setBusy(false);
    }
  };
  // Deep Linking asks for a form post to the LMS: sent once the form with the response's fields is rendered (a timer
  // set with the state could fire before React commits the form, and then nothing was sent).
  useEffect(() => {
    if (post) form.current?.submit();
  }, [post]);
  if (view.exercises.length === 0)
    return <p className="card">You teach no Epoch course with exercises yet: ask an administrator to make you an instructor of the course first.</p>;
  return (
    <div className="card" data-testid="lti-picker">
      <fieldset className="form">
        <legend>Exercise</legend>
        {view.exercises.map((e) => (
          <label key={e.id} className="radio">
            <input type="radio" name="exercise" value={e.id} checked={exerciseId === e.id} onChange={() => setExerciseId(e.id)} /> {e.title}{' '}
            <span className="muted">({e.courseTitle})</span>
          </label>
        ))}
        <button
          type="button"
          className="primary"
          disabled={busy || !exerciseId}
          onClick={() => {
            pick().catch(() => undefined);
          }}
        >
          {view.kind === 'deep-link' ? 'Add to the LMS course' : 'Use this exercise'}
        </button>
      </fieldset>
      <Outcome outcome={outcome} id="lti-pick-outcome" />
      {post && (
        <form ref={form} method="post" action={post.url}>
          {Object.entries(post.fields).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
        </form>
      )}
    </div>
  );
}
