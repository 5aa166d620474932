import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
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
  /**
   * How much lower the spare's CPU priority is than the grader's while it starts (niceness added, default 10; 0: the
   * same). It starts beside the job's child and must not slow its training down; taken by a job, it gets the grader's
   * priority back.
   */
  spareNiceness?: number;
}

/**
 * Sets the niceness of a process and of each of its threads (on Linux a niceness belongs to a thread: the wasm
 * backend's threads started while the spare waited would keep the lower priority). False where the system refuses:
 * raising a priority back needs CAP_SYS_NICE.
 */
export function renice(pid: number | undefined, niceness: number): boolean {
  if (pid === undefined) return false;
  let ids: number[] = [pid];
  try {
    ids = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    // Not Linux, or the process is gone: the process itself.
  }
  try {
    for (const id of ids) setPriority(id, Math.max(-20, Math.min(19, niceness)));
    return true;
  } catch {
    return false;
  }
}

/**
 * The grader's training children: a fresh one for every job, never reused. One spare child is kept started (backend
 * up, data loaded, warmed up on a fixed tiny model) so that a job does not wait for a process to start; it has run no
 * job, so nothing can leak from one job to the next. The next spare starts as soon as a job takes the current one, at a
 * lower CPU priority, so it costs the running job almost nothing and is ready by the time that job ends (starting a
 * child takes 1-3 CPU-seconds: see the README's queue benchmark). The first child also chooses the backend (tried for
 * real, as before), and every later child starts the same one.
 */
export class ChildPool {
  private spare: TrainingChild | null = null;
  private backend: TBackendInfo | null = null;
  private data: TDataSource | null = null;
  private closed = false;
  private readonly niceness = safeNiceness();

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
   * A child for one job: the spare if it is still alive, else a new one; it gets the grader's CPU priority. The next
   * spare starts at once beside it, at a lower priority. Call refill() when the job has ended, in case that spare died.
   */
  take(): TrainingChild {
    const spare = this.spare;
    this.spare = null;
    const child = spare && !spare.gone ? spare : this.spawn();
    if (child === spare && this.niceness !== null && this.spareNiceness() > 0 && !renice(child.pid, this.niceness)) {
      // Without the right to raise a priority back, a lowered spare would train at the lower priority: spares start
      // at the grader's priority from now on.
      this.niceOff = true;
      this.opts.log.info({ child: child.pid }, 'spare training children start at the grader CPU priority (raising one back is not permitted here)');
    }
    this.refill();
    return child;
  }

  private niceOff = false;
  private spareNiceness(): number {
    return this.niceOff ? 0 : (this.opts.spareNiceness ?? 10);
  }

  /** Starts a spare for the next job, unless there is one (or spares are off, or the pool is closed). */
  refill(): void {
    if (this.closed || this.opts.spare === false || (this.spare && !this.spare.gone)) return;
    this.spare = this.spawn();
    if (this.niceness !== null && this.spareNiceness() > 0) renice(this.spare.pid, this.niceness + this.spareNiceness());
  }

  /** Ends the spare; no new ones start. */
  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      spare.kill();
      await spare.ended();
    }
  }
}

/** The grader's own niceness, or null where it cannot be read. */
function safeNiceness(): number | null {
  try {
    return getPriority();
  } catch {
    return null;
  }
}
