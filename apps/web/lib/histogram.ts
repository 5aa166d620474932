/** Whole-number ticks from 0 to at least `max` (at most about five): a histogram's count axis. */
export function countTicks(max: number): number[] {
  const top = Math.max(1, max);
  const step = Math.max(1, Math.ceil(top / 5));
  const ticks: number[] = [];
  for (let t = 0; t < top + step && ticks.length < 7; t += step) ticks.push(t);
  return ticks;
}
