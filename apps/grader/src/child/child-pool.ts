import type { Logger } from 'pino';
import type { TBackendInfo } from '@epoch/trainer';
import { TrainingChild, type TChildEntry, type TChildLimits } from './training-child';
import type { TDataSource } from './protocol';

export interface TChildPoolOptions {
  entry: TChildEntry;
  limits: TChildLimits;
  /** The backend asked for (EPOCH_BACKEND, EPOCH_WASM_THREADS); the first child's choice is then used by every child. */
  backend?: TBackendInfo['name'];
  threads?: number;
  log: Logger;
  /** Keep a started child waiting for the next job (default true; EPOCH_GRADER_SPARE_CHILD). */
  spare?: boolean;
  /** A job running longer than this (ms, default 20 s) gets the next spare started beside it. */
  earlySpareMs?: number;
}

/**
 * The grader's training children: a fresh one for every job, never reused. One spare child is kept started (backend
 * up, data loaded, warmed up on a fixed tiny model) so that a job does not wait for a process to start; it has run no
 * job, so nothing can leak from one job to the next. The first child also chooses the backend (tried for real, as
 * before), and every later child starts the same one.
 */
export class ChildPool {
  private spare: TrainingChild | null = null;
  private backend: TBackendInfo | null = null;
  private data: TDataSource | null = null;
  private closed = false;
  private early: NodeJS.Timeout | undefined;

  constructor(private readonly opts: TChildPoolOptions) {}

  private spawn(): TrainingChild {
    const { entry, limits, log } = this.opts;
    // Once the first child has chosen, every child starts that backend with the same threads.
    const backend = this.backend?.name ?? this.opts.backend;
    const threads = this.backend ? this.backend.threads : this.opts.threads;
    const child = new TrainingChild({ entry, limits, log, data: this.data, ...(backend ? { backend } : {}), ...(threads ? { threads } : {}) });
    log.debug({ child: child.pid }, 'training child started');
    return child;
  }

  /** Starts the first child and returns the backend it chose; it stays as the spare. */
  async start(): Promise<TBackendInfo> {
    const child = this.spawn();
    this.spare = child;
    try {
      this.backend = await child.ready;
    } catch (e) {
      child.kill();
      this.spare = null;
      throw e;
    }
    return this.backend;
  }

  /** From now on, spares load the data in advance (the supervisor has prepared and checked it). */
  setData(data: TDataSource): void {
    if (JSON.stringify(this.data) === JSON.stringify(data)) return;
    this.data = data;
    // A spare started before it knew the data is still good: the job tells it where the data is.
  }

  /**
   * A child for one job: the spare if it is still alive, else a new one. Call refill() when the job has ended: the
   * next spare starts then, not beside this job's child, whose CPU it would take (starting and warming up a child
   * costs a few CPU-seconds). A job still running after `earlySpareMs` is a long one: the spare starts then, so it is
   * ready when the job ends, at a cost that is small beside the job's.
   */
  take(): TrainingChild {
    const spare = this.spare;
    this.spare = null;
    const child = spare && !spare.gone ? spare : this.spawn();
    clearTimeout(this.early);
    if (this.opts.spare !== false) {
      this.early = setTimeout(() => this.refill(), this.opts.earlySpareMs ?? 20_000);
      this.early.unref();
    }
    return child;
  }

  /** Starts a spare for the next job, unless there is one (or spares are off, or the pool is closed). */
  refill(): void {
    clearTimeout(this.early);
    if (this.closed || this.opts.spare === false || (this.spare && !this.spare.gone)) return;
    this.spare = this.spawn();
  }

  /** Ends the spare; no new ones start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.early);
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      spare.kill();
      await spare.ended();
    }
  }
}
