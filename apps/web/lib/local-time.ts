/**
 * Times as a reader sees them: in the browser's own time zone (there is no course time zone setting yet), with the
 * zone named where it matters (deadlines). The server, which does not know the reader's zone, renders UTC until the
 * browser takes over.
 */

/** `Sat 5 Dec 2026, 23:23` in `timeZone` (the browser's own when undefined). */
export function formatTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const part = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}

/** The time as the server renders it, before the browser's zone is known: UTC, said so. */
export function formatUtc(iso: string): string {
  return `${formatTime(iso, 'UTC')} UTC`;
}

/** The browser's time zone (e.g. `Europe/Berlin`), or null when the browser does not say. */
export function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}
