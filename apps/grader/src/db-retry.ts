import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '@epoch/db';

/** Backoff of the grader's database retries: the first wait, doubled up to the longest. */
export interface TRetryPolicy {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: TRetryPolicy = { firstMs: 250, maxMs: 5_000 };

/** The wait ended because `signal` was aborted (the job's lock was lost, the attempt ended). */
export class RetryAborted extends Error {
  constructor(
    readonly what: string,
    readonly lastError: unknown,
  ) {
    super(`${what}: gave up waiting for the database`);
    this.name = 'RetryAborted';
  }
}

/** Waits `ms`, or less when `signal` is aborted (resolves false then). */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs a database operation, and while the database is unavailable (isDatabaseUnavailable: unreachable, restarting,
 * connection lost) runs it again with backoff until it succeeds or `signal` is aborted (RetryAborted). Any other error
 * is thrown at once: retrying a wrong query cannot help. The operations retried are guarded writes of the lifecycle or
 * reads, so running one again after a lost connection is safe. Logs once when the database goes away and once when
 * it is back, not every try.
 */
export async function whileDatabaseDown<T>(what: string, f: () => Promise<T>, o: { signal: AbortSignal; log: Logger; retry?: TRetryPolicy }): Promise<T> {
  const retry = o.retry ?? DEFAULT_RETRY;
  let wait = retry.firstMs;
  let failing = false;
  for (;;) {
    try {
      const v = await f();
      if (failing) o.log.info(`${what}: the database is back`);
      return v;
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      if (!failing) o.log.warn({ err: e }, `${what}: the database is unavailable; trying again until it is back`);
      failing = true;
      if (!(await pause(wait, o.signal))) throw new RetryAborted(what, e);
      wait = Math.min(retry.maxMs, wait * 2);
    }
  }
}
