/**
 * The one estimate of how long a training run has left, shown on the live page: from the measured speed of this run
 * on this grader, never from a guess. Training batches and each epoch's validation pass are timed apart (the grader
 * reports a batch every N and after each epoch's last one, then the epoch once its validation pass is done):
 *
 * - the first batches are not measured (start-up: the first batch compiles kernels and can take many times longer),
 *   and nothing is shown until 5% of an epoch (10 to 50 batches) was measured;
 * - the time per batch is smoothed exponentially, weighted by the batches each report covers (bias-corrected, so early
 *   on it is the plain mean of what was measured), with a time constant of half an epoch; a report more than three
 *   times off the estimate (a pause of the machine) counts as three times;
 * - the validation pass is measured from the first epoch on (before that, estimated from the data sizes);
 * - the range: ±25% of the part of the run not yet seen (relative to what was seen), plus twice the drift between the
 *   smoothed rate and a four times slower one (the rate is changing), at least ±3%, at most ±60%.
 *
 * Pure (times are given, never read), so its stability is unit-tested on realistic sequences.
 */
export interface TEta {
  /** Seconds left (the middle of the range). */
  seconds: number;
  low: number;
  high: number;
}

export interface TTrainingEtaOptions {
  epochs: number;
  /**
   * Before the first epoch has ended: the validation pass's time as a fraction of an epoch's training time (e.g.
   * validation images / (3 × training images): a forward pass is about a third of a training step).
   */
  validationRatio: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Bias-corrected exponential smoothing of a value, with a time constant in batches. */
class Smoothed {
  private m = 0;
  private w = 0;
  constructor(private readonly tau: () => number) {}
  add(x: number, weight: number): void {
    const a = 1 - Math.exp(-weight / this.tau());
    this.m = this.m * (1 - a) + x * a;
    this.w = this.w * (1 - a) + a;
  }
  get value(): number | null {
    return this.w > 0 ? this.m / this.w : null;
  }
}

export class TrainingEta {
  private batches = 0;
  private last: { t: number; n: number } | null = null;
  private lastBatchAt: number | null = null;
  private samples = 0;
  private measured = 0;
  private observedSeconds = 0;
  private readonly perBatch = new Smoothed(() => this.tau());
  private readonly perBatchSlow = new Smoothed(() => 4 * this.tau());
  private readonly validation = new Smoothed(() => 2);
  private validations = 0;
  private epochsEnded = 0;
  private done = 0;

  constructor(private readonly o: TTrainingEtaOptions) {}

  private tau(): number {
    return clamp(this.batches / 2, 20, 2000);
  }

  /** Batches at the start that are never measured. */
  private warmup(): number {
    return clamp(Math.ceil(0.02 * this.batches), 3, 20);
  }

  /** A batch report: at `t` seconds, batch `batch` (1-based) of `batches` in epoch `epoch` (1-based) is done. */
  batch(t: number, epoch: number, batch: number, batches: number): void {
    this.batches = batches;
    const n = (epoch - 1) * batches + batch;
    this.done = n;
    this.lastBatchAt = t;
    if (n < this.warmup() || !this.last || n <= this.last.n || t <= this.last.t) {
      this.last = { t, n };
      return;
    }
    const k = n - this.last.n;
    const dt = t - this.last.t;
    let x = dt / k;
    const est = this.perBatch.value;
    if (est !== null && this.samples >= 3) x = clamp(x, est / 3, est * 3);
    this.perBatch.add(x, k);
    this.perBatchSlow.add(x, k);
    this.samples += 1;
    this.measured += k;
    this.observedSeconds += dt;
    this.last = { t, n };
  }

  /** The epoch ended at `t` seconds (its validation pass done). */
  epochEnd(t: number, epoch: number): void {
    if (this.lastBatchAt !== null && t >= this.lastBatchAt) {
      this.validation.add(t - this.lastBatchAt, 1);
      this.validations += 1;
      this.observedSeconds += t - this.lastBatchAt;
    }
    this.epochsEnded = Math.max(this.epochsEnded, epoch);
    this.done = epoch * this.batches;
    // The next training measurement starts after the validation pass.
    this.last = { t, n: this.done };
  }

  /** Seconds left from the last report, with its range; null until enough batches were measured. */
  estimate(): TEta | null {
    const perBatch = this.perBatch.value;
    // Shown once enough batches were measured that one more cannot swing it (5% of an epoch, 10 to 50 batches).
    if (perBatch === null || this.samples < 2 || this.measured < clamp(Math.round(0.05 * this.batches), 10, 50)) return null;
    const total = this.o.epochs * this.batches;
    const validationsLeft = Math.max(0, this.o.epochs - this.epochsEnded);
    const perValidation = this.validation.value ?? this.o.validationRatio * perBatch * this.batches;
    const seconds = Math.max(0, total - this.done) * perBatch + validationsLeft * perValidation;
    const unseen = seconds / (seconds + this.observedSeconds);
    const slow = this.perBatchSlow.value ?? perBatch;
    const drift = Math.abs(perBatch - slow) / slow;
    const rel = clamp(0.25 * unseen + 2 * drift, 0.03, 0.6);
    return { seconds, low: seconds * (1 - rel), high: seconds * (1 + rel) };
  }
}
