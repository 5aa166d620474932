import type { TGradebook } from '@epoch/contracts';

type TCell = TGradebook['rows'][number]['cells'][number];

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** A gradebook cell in words: the counted result's accuracy and verdict, and its marks (late, credit, extension). */
export function cellText(c: TCell): { main: string; marks: string[] } {
  const marks = [
    ...(c.counted?.late ? ['late'] : []),
    ...(c.counted && c.counted.credit < 1 ? [`credit ${pct(c.counted.credit)}`] : []),
    ...(c.extended ? ['extension'] : []),
  ];
  if (!c.counted) return { main: c.attempts ? 'no result' : '—', marks };
  return { main: `${pct(c.counted.testAccuracy)} ${c.counted.status === 'PASSED' ? 'passed' : 'failed'}`, marks };
}

/** The total as "1.8 / 3" (sum of the exercises' scores out of the number of exercises). */
export function totalText(total: number, exercises: number): string {
  return `${Math.round(total * 100) / 100} / ${exercises}`;
}
