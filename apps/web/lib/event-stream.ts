/**
 * Reconnecting to a submission's event stream. The browser's EventSource retries by itself after a dropped connection,
 * but gives up for good when an attempt is answered with an error (the web server's proxy answers 502 while the API
 * is down): then the page opens a new stream itself, after a growing pause, resuming after the last event it received.
 */

/** The stream's address; `lastEventId` (`attempt.epoch`) makes the API send only what came after it. */
export function eventStreamUrl(submissionId: string, lastEventId: string | null): string {
  const base = `/api/submissions/${encodeURIComponent(submissionId)}/events`;
  return lastEventId ? `${base}?lastEventId=${encodeURIComponent(lastEventId)}` : base;
}

/** Pause before reconnect attempt `n` (0-based): 1 s, 2 s, 4 s, … at most 10 s. */
export function reconnectDelayMs(n: number): number {
  return Math.min(10_000, 1000 * 2 ** Math.max(0, Math.min(n, 10)));
}
