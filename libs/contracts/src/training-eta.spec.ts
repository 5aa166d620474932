import { describe, expect, it } from 'vitest';
import { TrainingEta, type TEta } from './training-eta';

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TRun {
  epochs: number;
  batches: number;
  /** Seconds of the i-th batch (0-based over the whole run). */
  batchSeconds: (i: number) => number;
  validationSeconds: number;
  /** The grader reports every N batches and after each epoch's last. */
  every: number;
}

/** Feeds a simulated run to the estimator: each report's estimate, the time it was made and the true time left. */
function simulate(run: TRun, validationRatio = 5000 / (3 * 45000)): { t: number; left: number; eta: TEta | null }[] {
  const eta = new TrainingEta({ epochs: run.epochs, validationRatio });
  const events: { t: number; report: () => void }[] = [];
  let t = 0;
  let i = 0;
  for (let e = 1; e <= run.epochs; e++) {
    for (let b = 1; b <= run.batches; b++) {
      t += run.batchSeconds(i++);
      if (b % run.every === 0 || b === run.batches) {
        const at = t;
        events.push({ t: at, report: () => eta.batch(at, e, b, run.batches) });
      }
    }
    t += run.validationSeconds;
    const at = t;
    events.push({ t: at, report: () => eta.epochEnd(at, e) });
  }
  const end = t;
  return events.map((ev) => {
    ev.report();
    return { t: ev.t, left: end - ev.t, eta: eta.estimate() };
  });
}

/** Where the estimate says the run ends (report time + seconds left): a stable estimate keeps this still. */
const finish = (r: { t: number; eta: TEta | null }) => r.t + r.eta!.seconds;

describe('TrainingEta', () => {
  // model3 on the full data at ~1,900 training images/s: 704 batches of 64, a validation pass of 5,000 images at ~5,500/s.
  const model3 = { epochs: 30, batches: 704, validationSeconds: 0.9, every: 1 };

  it('on a steady rate: known after the first batches, within 2% of the truth, and the predicted end never moves by more than 1%', () => {
    const noise = random(1);
    const run = { ...model3, batchSeconds: () => 0.034 * (0.99 + 0.02 * noise()) };
    const total = 30 * (704 * 0.034 + 0.9);
    const out = simulate(run);
    const firstKnown = out.findIndex((r) => r.eta !== null);
    expect(firstKnown).toBeGreaterThan(0);
    expect(firstKnown).toBeLessThan(60); // 35 batches measured after the 3 not measured
    const known = out.slice(firstKnown);
    for (const r of known) expect(Math.abs(r.eta!.seconds - r.left)).toBeLessThan(0.02 * total);
    for (let k = 1; k < known.length; k++) expect(Math.abs(finish(known[k]!) - finish(known[k - 1]!))).toBeLessThan(0.01 * total);
    // The truth is inside the range, and the range narrows as the run goes on.
    for (const r of known) expect(r.left).toBeGreaterThanOrEqual(r.eta!.low - 1);
    for (const r of known) expect(r.left).toBeLessThanOrEqual(r.eta!.high + 1);
    const width = (r: (typeof known)[number]) => (r.eta!.high - r.eta!.low) / Math.max(1, r.eta!.seconds);
    expect(width(known[10]!)).toBeGreaterThan(0.4);
    expect(width(known[Math.floor(known.length * 0.75)]!)).toBeLessThan(0.2);
  });

  it('is not thrown off by a slow start: a first batch 200× slower and two more 3× slower leave the first estimate within 10%', () => {
    const run = { ...model3, batchSeconds: (i: number) => (i === 0 ? 7 : i < 3 ? 0.1 : 0.034) };
    const out = simulate(run).filter((r) => r.eta !== null && r.left > 0);
    // The old estimate (the epoch's images so far / its seconds) started 2.4× too high: never again.
    expect(out[0]!.eta!.seconds / out[0]!.left).toBeGreaterThan(0.9);
    expect(out[0]!.eta!.seconds / out[0]!.left).toBeLessThan(1.1);
    for (const r of out) expect(Math.abs(r.eta!.seconds - r.left) / r.left).toBeLessThan(0.1);
  });

  it('on a noisy rate (each batch 50–150% of the mean) stays within 6% of the truth, moves its end by < 1.5% per report, and the range holds the truth', () => {
    const noise = random(7);
    const run = { ...model3, batchSeconds: () => 0.034 * (0.5 + noise()) };
    const out = simulate(run);
    const known = out.filter((r) => r.eta !== null);
    const total = out[0]!.t + out[0]!.left;
    // Once 2% of the run was measured (the spread of a few hundred batches' mean), and from the first estimate within 15%.
    for (const r of known) expect(Math.abs(r.eta!.seconds - r.left)).toBeLessThan(0.15 * total);
    for (const r of known.filter((x) => x.t > 0.02 * total)) expect(Math.abs(r.eta!.seconds - r.left)).toBeLessThan(0.06 * total);
    for (let k = 1; k < known.length; k++) expect(Math.abs(finish(known[k]!) - finish(known[k - 1]!))).toBeLessThan(0.015 * total);
    const inside = known.filter((r) => r.left >= r.eta!.low - 1 && r.left <= r.eta!.high + 1).length;
    expect(inside / known.length).toBeGreaterThan(0.95);
  });

  it('with reports every 200 batches (the grader default), and when the machine slows down halfway, widens the range and follows', () => {
    const run = { ...model3, every: 200, batchSeconds: (i: number) => (i < 15 * 704 ? 0.034 : 0.051) };
    const out = simulate(run).filter((r) => r.eta !== null);
    const total = 30 * 704 * 0.0425 + 27;
    const change = 15 * 704 * 0.034 + 14 * 0.9;
    const steady = out.filter((r) => r.t < change);
    for (let k = 1; k < steady.length; k++) expect(Math.abs(finish(steady[k]!) - finish(steady[k - 1]!))).toBeLessThan(0.01 * total);
    const rel = (r: (typeof out)[number]) => (r.eta!.high - r.eta!.seconds) / r.eta!.seconds;
    const before = steady;
    const after = out.filter((r) => r.t > change + 10 && r.t < change + 40);
    expect(Math.max(...after.map(rel))).toBeGreaterThan(rel(before.at(-1)!) + 0.1);
    // Two epochs after the change the estimate has caught up with the slower rate.
    const later = out.filter((r) => r.t > change + 2 * (704 * 0.051 + 0.9));
    for (const r of later) expect(Math.abs(r.eta!.seconds - r.left) / Math.max(r.left, 10)).toBeLessThan(0.15);
  });

  it('knows nothing before the first batches are measured', () => {
    const eta = new TrainingEta({ epochs: 3, validationRatio: 0.04 });
    expect(eta.estimate()).toBeNull();
    eta.batch(5, 1, 1, 100);
    expect(eta.estimate()).toBeNull();
  });
});
