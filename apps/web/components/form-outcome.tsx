import { BrowserApiError } from '../lib/browser-api';

/** What an admin form says after submitting: success or the API's message, with every detail line it sent. */
export type TOutcome = { ok: boolean; text: string; lines: string[] } | null;

export function failure(e: unknown): TOutcome {
  const text = e instanceof BrowserApiError && e.details.length > 0 ? `${e.summary}:` : e instanceof Error ? e.message : String(e);
  return { ok: false, text, lines: e instanceof BrowserApiError ? e.details.map((d) => `${d.path}: ${d.message}`) : [] };
}

export function Outcome({ outcome, id }: { outcome: TOutcome; id: string }) {
  if (!outcome) return null;
  return (
    <div role="status" data-testid={id} className={outcome.ok ? 'ok-text' : 'error-text'}>
      <p>{outcome.text}</p>
      {outcome.lines.length > 0 && (
        <ul>
          {outcome.lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
