import type { ChildProcess } from 'node:child_process';
import { isAlive, stopChildren } from './processes';

export interface TSupervisorOptions {
  name: string;
  /** Starts the child (again). */
  start: () => ChildProcess;
  log: (line: string) => void;
  /** Delay before the first restart; doubled after each exit that follows a short run, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that ran this long was healthy: its next exit restarts after initialDelayMs again. */
  healthyAfterMs?: number;
  /** Called with each new child (the first one included), e.g. to record its pid. */
  onStart?: (child: ChildProcess) => void;
}

/**
 * Keeps one child of `./epoch up` running: when it exits on its own, says so (exit code or signal, how long it ran,
 * its last line of output) and starts it again after a delay that doubles while it keeps failing soon after starting
 * (1 s, 2 s, 4 s ... 30 s), back to the first delay once it has run healthily for a while. Only stop() ends it.
 */
export class SupervisedChild {
  private child: ChildProcess;
  private startedAt = Date.now();
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private lastLine = '';
  /** How many times the child was restarted. */
  restarts = 0;

  constructor(private readonly opts: TSupervisorOptions) {
    this.delayMs = opts.initialDelayMs ?? 1000;
    this.child = this.launch();
  }

  /** The running child (the newest one). */
  get current(): ChildProcess {
    return this.child;
  }

  private launch(): ChildProcess {
    const child = this.opts.start();
    this.startedAt = Date.now();
    const remember = (chunk: Buffer) => {
      const lines = chunk
        .toString()
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      if (lines.length > 0) this.lastLine = lines.at(-1)!.slice(0, 300);
    };
    child.stdout?.on('data', remember);
    child.stderr?.on('data', remember);
    child.once('exit', (code, signal) => this.exited(code, signal));
    this.opts.onStart?.(child);
    return child;
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const ran = Date.now() - this.startedAt;
    if (ran >= (this.opts.healthyAfterMs ?? 60_000)) this.delayMs = this.opts.initialDelayMs ?? 1000;
    const how = code !== null ? `code ${code}` : `signal ${signal ?? 'unknown'}`;
    const last = this.lastLine ? `; its last words: ${this.lastLine}` : '';
    this.opts.log(
      `epoch up: ${this.opts.name} exited (${how}) after ${(ran / 1000).toFixed(1)} s${last}; restarting it in ${(this.delayMs / 1000).toFixed(1)} s`,
    );
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.opts.maxDelayMs ?? 30_000);
    this.timer = setTimeout(() => {
      if (this.stopping) return;
      this.restarts++;
      this.lastLine = '';
      this.child = this.launch();
    }, delay);
  }

  /** Stops supervising and the child (SIGTERM to its process group, SIGKILL after the grace period). */
  async stop(graceMs?: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const pid = this.child.pid;
    if (pid !== undefined && isAlive(pid)) await stopChildren([pid], graceMs);
  }
}
