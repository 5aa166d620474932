import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { TBackendInfo, TBackendName } from '@epoch/trainer';
import { classifyChildEnd, type TChildEnd, type TChildEndFacts, type TStopReason } from './child-end';
import { ZChildMessage, type TChildGrade, type TChildMessage, type TDataSource, type TFinalChildMessage } from './protocol';

/** The module a training child runs, and the Node flags it inherits from the grader. */
export interface TChildEntry {
  module: string;
  execArgv: string[];
}

/**
 * Where the child's module is: beside this file when the grader runs from its sources (TypeScript, through tsx), and
 * beside the bundle (`dist/train-child.js`, built with `dist/main.js`) when it runs from the bundled app.
 */
export function childEntry(): TChildEntry {
  const here = import.meta.url;
  const fromSources = here.endsWith('.ts');
  const module = fileURLToPath(new URL(fromSources ? './train-child.ts' : './train-child.js', here));
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  if (fromSources && !execArgv.some((a) => a === 'tsx' || a.includes('/tsx/') || a.includes('=tsx'))) execArgv.push('--import', 'tsx');
  return { module, execArgv };
}

export interface TChildLimits {
  /** The child's memory limit: V8's heap limit, and its resident memory, watched by the supervisor. */
  memoryBytes: number;
  /** Address-space limit (`prlimit --as`), unset: none. */
  addressSpaceBytes?: number;
}

export interface TChildOptions {
  entry: TChildEntry;
  limits: TChildLimits;
  /** The backend to start (none: the first that works) and its threads (none: as many as cores). */
  backend?: TBackendName;
  threads?: number;
  /** Load the data before the job arrives (once the supervisor has prepared it). */
  data: TDataSource | null;
  log: Logger;
  /** How often the child's resident memory is read (ms). */
  memoryPollMs?: number;
}

export interface TChildRun {
  /** For the logs. */
  submissionId: string;
  job: TChildGrade;
  /** The time left under the policy's limit (from the call to run()); the child is killed when it runs out. */
  timeLimitMs: number;
  /** The policy's limit itself, for the message. */
  timeLimitSeconds: number;
  /** Aborted with a TStopReason ('cancelled', 'shutdown', 'lock-lost'): the child is killed. */
  signal: AbortSignal;
  onProgress: (m: Extract<TChildMessage, { type: 'phase' | 'batch' | 'epoch' }>) => void;
}

const STDERR_TAIL = 8192;

/** The resident memory of a process in bytes (Linux), or null where /proc cannot tell. */
export function residentBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * One training child: a fresh process forked for one job (never reused), with V8's heap limited to the memory limit
 * and, when configured, its address space (`prlimit --as`). It starts its backend (and loads the data) at once, so it
 * can wait as a spare until a job comes. `run` sends it the job and supervises it from the grader's event loop, which
 * training never blocks: the time limit and the memory limit kill it, as do a cancellation, a shutdown and a lost lock.
 */
export class TrainingChild {
  readonly proc: ChildProcess;
  /** The backend the child started; rejects when it could not start (the reason says why). */
  readonly ready: Promise<TBackendInfo>;
  readonly startedAt = performance.now();
  private stderrTail = '';
  private readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private final: TFinalChildMessage | null = null;
  private listener: ((m: TChildMessage) => void) | null = null;
  private used = false;

  constructor(private readonly opts: TChildOptions) {
    const { entry, limits, log } = opts;
    const nodeArgs = [...entry.execArgv, `--max-old-space-size=${Math.max(64, Math.floor(limits.memoryBytes / 1024 ** 2))}`];
    const viaPrlimit = limits.addressSpaceBytes !== undefined;
    this.proc = fork(entry.module, [], {
      ...(viaPrlimit ? { execPath: 'prlimit', execArgv: [`--as=${limits.addressSpaceBytes}`, '--', process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // With the spare child started while another trains, two processes hold a GPU context: TensorFlow must not
      // reserve all of the GPU's memory at start-up (its default), only what each uses.
      env: { TF_FORCE_GPU_ALLOW_GROWTH: 'true', ...process.env },
    });
    const pid = this.proc.pid;
    const lines = (level: 'info' | 'warn') => {
      let buffered = '';
      return (d: Buffer) => {
        const text = d.toString();
        if (level === 'warn') this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
        buffered += text;
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const line of parts) if (line.trim()) log[level]({ child: pid }, `training child: ${line}`);
      };
    };
    this.proc.stdout?.on('data', lines('info'));
    this.proc.stderr?.on('data', lines('warn'));
    this.closed = new Promise((resolve) => this.proc.once('close', (code, signal) => resolve({ code, signal })));
    this.proc.on('error', (e) => log.warn({ err: e, child: pid }, 'training child: process error'));

    let readyResolve: (b: TBackendInfo) => void = () => undefined;
    let readyReject: (e: Error) => void = () => undefined;
    this.ready = new Promise<TBackendInfo>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    // Nobody may be waiting for a spare's start: its failure is reported when a job takes it.
    this.ready.catch(() => undefined);
    this.proc.on('message', (raw: unknown) => {
      const parsed = ZChildMessage.safeParse(raw);
      if (!parsed.success) {
        log.error({ child: pid, issues: parsed.error.issues.slice(0, 3) }, 'training child sent a malformed message; ending it');
        this.final ??= { type: 'failed', stage: 'grade', message: 'the training process sent a malformed message' };
        this.kill();
        return;
      }
      const m = parsed.data;
      if (m.type === 'ready') readyResolve(m.backend);
      else if (m.type === 'graded' || m.type === 'rejected' || m.type === 'failed') {
        this.final ??= m;
        if (m.type === 'failed' && m.stage === 'init') readyReject(new Error(m.message));
      }
      this.listener?.(m);
    });
    void this.closed.then(({ code, signal }) =>
      readyReject(
        new Error(this.final?.type === 'failed' ? this.final.message : `the training process ended before it was ready (${signal ?? `code ${code}`})`),
      ),
    );
    this.proc.send({ type: 'init', ...(opts.backend ? { backend: opts.backend } : {}), ...(opts.threads ? { threads: opts.threads } : {}), data: opts.data });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Whether the child has ended (or is being ended). */
  get gone(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null || this.proc.killed;
  }

  kill(): void {
    if (!this.gone) this.proc.kill('SIGKILL');
  }

  /** Runs the job in this child and reports how it ended. The child is ended when this returns, whatever happened. */
  async run(r: TChildRun): Promise<TChildEnd> {
    if (this.used) throw new Error('a training child runs one job only');
    this.used = true;
    const { limits, log } = this.opts;
    // The time limit runs from now: waiting for a child that is still starting counts, as loading the data always did.
    const deadline = performance.now() + r.timeLimitMs;
    const t0 = performance.now();
    const times: Record<string, number> = {};
    let backend: TBackendInfo;
    try {
      backend = await this.ready;
      times['waitedForStart'] = Math.round(performance.now() - t0);
    } catch (e) {
      this.kill();
      await this.closed;
      return { kind: 'infrastructure', message: e instanceof Error ? e.message : String(e) };
    }
    let stopped: TChildEndFacts['stopped'] = null;
    const stop = (reason: TStopReason, rssBytes?: number) => {
      if (stopped || this.final) return;
      stopped = { reason, ...(rssBytes !== undefined ? { rssBytes } : {}) };
      this.kill();
    };
    let modelStarted = false;
    let last: TChildEndFacts['last'] = null;
    this.listener = (m) => {
      if (m.type === 'phase' || m.type === 'graded' || m.type === 'rejected' || m.type === 'failed')
        times[m.type === 'phase' ? m.phase : m.type] = Math.round(performance.now() - t0);
      if (m.type === 'phase') {
        if (m.phase === 'building') modelStarted = true;
        r.onProgress(m);
      } else if (m.type === 'batch') {
        last = { epoch: m.progress.epoch, epochs: m.progress.epochs, batch: m.progress.batch, batches: m.progress.batches };
        r.onProgress(m);
      } else if (m.type === 'epoch') r.onProgress(m);
      else if (m.type !== 'ready') this.kill(); // the last word is in: nothing more is needed from the process
    };
    const onAbort = () => stop((r.signal.reason as TStopReason | undefined) ?? 'cancelled');
    if (r.signal.aborted) onAbort();
    else r.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('time-limit'), Math.max(0, deadline - performance.now()));
    const poll = this.opts.memoryPollMs ?? 200;
    const watch = setInterval(() => {
      const rss = this.pid ? residentBytes(this.pid) : null;
      if (rss !== null && rss > limits.memoryBytes) stop('memory', rss);
    }, poll);
    try {
      if (!this.gone) this.proc.send(r.job);
      const exit = await this.closed;
      const end = classifyChildEnd({
        final: this.final,
        stopped,
        exit,
        stderrTail: this.stderrTail,
        modelStarted,
        last,
        backend: backend.name,
        limits: { memoryBytes: limits.memoryBytes, timeLimitSeconds: r.timeLimitSeconds },
      });
      times['ended'] = Math.round(performance.now() - t0);
      if (end.kind === 'infrastructure' || (end.kind === 'student' && end.cause === 'memory'))
        log.warn({ child: this.pid, exit, stopped, end: end.kind, message: end.message, ms: times }, 'training child ended');
      else log.debug({ child: this.pid, end: end.kind, ms: times }, 'training child ended');
      return end;
    } finally {
      clearTimeout(timer);
      clearInterval(watch);
      r.signal.removeEventListener('abort', onAbort);
      this.listener = null;
      this.kill();
    }
  }

  /** Waits until the process has ended (after kill()). */
  async ended(): Promise<void> {
    await this.closed;
  }
}
