import { TZDate } from '@date-fns/tz';
import type { TGradingPolicy } from '@epoch/contracts';

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in `timeZone` (what the course's staff type and read); '' for none. */
export function toZonedInput(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const d = new TZDate(new Date(iso).getTime(), timeZone);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value read in `timeZone` as an ISO instant; null for empty; an error message when malformed. */
export function fromZonedInput(value: string, timeZone: string): { iso: string | null } | { error: string } {
  const v = value.trim();
  if (!v) return { iso: null };
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(v);
  if (!m) return { error: 'expected a date and time like 2026-12-24T23:59' };
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const t = new TZDate(y, mo - 1, d, h, mi, timeZone);
  if (Number.isNaN(t.getTime()) || t.getMonth() !== mo - 1 || t.getDate() !== d) return { error: 'not a valid date' };
  return { iso: new Date(t.getTime()).toISOString() };
}

/** An instant shown in `timeZone`, naming the zone: "Thu, 24 Dec 2026, 23:59 (Europe/Berlin)". */
export function formatInZone(iso: string, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
  return `${text} (${timeZone})`;
}

type TLateCredit = TGradingPolicy['lateCredit'];

/** Late windows as staff type them: "24:80, 48:50" (hours after the deadline : percent of full marks); '' for none. */
export function lateCreditToText(ws: TLateCredit): string {
  return (ws ?? []).map((w) => `${w.hours}:${Math.round(w.credit * 1000) / 10}`).join(', ');
}

export function lateCreditFromText(text: string): { lateCredit: TLateCredit } | { error: string } {
  const parts = text
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { lateCredit: null };
  const ws: { hours: number; credit: number }[] = [];
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)\s*h?\s*:\s*(\d+(?:\.\d+)?)\s*%?$/.exec(p);
    if (!m) return { error: `"${p}": expected hours:percent, e.g. 24:80` };
    const hours = Number(m[1]);
    const percent = Number(m[2]);
    if (hours <= 0) return { error: `"${p}": the hours must be more than 0` };
    if (percent > 100) return { error: `"${p}": at most 100%` };
    if (ws.length && hours <= ws[ws.length - 1]!.hours) return { error: `"${p}": the windows must end in increasing order of hours` };
    ws.push({ hours, credit: percent / 100 });
  }
  return { lateCredit: ws };
}

/** The late rule in words for students: "80% for 24 h after the deadline, then 50% until 48 h, then closed". */
export function lateCreditText(latePolicy: 'ACCEPT' | 'REFUSE', ws: TLateCredit): string {
  if (latePolicy === 'REFUSE') return 'late work is not accepted';
  if (!ws?.length) return 'late work counts in full';
  return `${ws.map((w, i) => `${Math.round(w.credit * 1000) / 10}% ${i === 0 ? `for ${w.hours} h after the deadline` : `until ${w.hours} h`}`).join(', then ')}, then closed`;
}
