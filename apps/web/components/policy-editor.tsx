'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TPolicyUpdateResult, TPolicyView } from '@epoch/contracts';
import { BrowserApiError, errorMessage } from '../lib/browser-api';
import { POLICY_FIELDS, policyFromForm, policyToForm } from '../lib/policy-form';

async function putPolicy(course: string, slug: string, body: unknown, csrfToken: string): Promise<TPolicyUpdateResult> {
  const res = await fetch(`/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(slug)}/policy`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const parsed: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    throw new BrowserApiError(res.status, errorMessage(res.status, parsed));
  }
  return parsed as TPolicyUpdateResult;
}

export function PolicyEditor({ course, slug, view, csrfToken }: { course: string; slug: string; view: TPolicyView; csrfToken: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const initial = policyToForm(view.policy);
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const form = Object.fromEntries(POLICY_FIELDS.map((f) => [f.name, String(data.get(f.name) ?? '')]));
    const r = policyFromForm(view.policy, form);
    setMessage(null);
    if (r.errors) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const done = await putPolicy(course, slug, r.policy, csrfToken);
      const { passedToFailed: down, failedToPassed: up } = done.redecided;
      setMessage({
        ok: true,
        text: `Saved as version ${done.version}. ${down} result${down === 1 ? '' : 's'} changed from passed to failed, ${up} from failed to passed.`,
      });
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card form policy-form"
      onSubmit={(e) => {
        save(e).catch(() => undefined);
      }}
      noValidate
    >
      {POLICY_FIELDS.map((f) =>
        f.kind === 'choice' ? (
          <div key={f.name} className="field">
            <label htmlFor={`p-${f.name}`}>{f.label}</label>
            <select id={`p-${f.name}`} name={f.name} defaultValue={initial[f.name]}>
              {f.options.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </div>
        ) : f.kind === 'bool' ? (
          <div key={f.name} className="field field-check">
            <input id={`p-${f.name}`} type="checkbox" name={f.name} defaultChecked={initial[f.name] === 'on'} />
            <label htmlFor={`p-${f.name}`}>{f.label}</label>
          </div>
        ) : (
          <div key={f.name} className="field">
            <label htmlFor={`p-${f.name}`}>{f.label}</label>
            <input
              id={`p-${f.name}`}
              name={f.name}
              defaultValue={initial[f.name]}
              inputMode={f.kind === 'text?' ? 'text' : 'decimal'}
              aria-invalid={errors[f.name] ? 'true' : undefined}
              aria-describedby={errors[f.name] ? `p-${f.name}-error` : undefined}
            />
            {errors[f.name] && (
              <p id={`p-${f.name}-error`} className="error-text field-error">
                {errors[f.name]}
              </p>
            )}
          </div>
        ),
      )}
      {message && (
        <p role="status" className={message.ok ? 'ok-text' : 'error-text'} data-testid="policy-message">
          {message.text}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save policy'}
      </button>
    </form>
  );
}
