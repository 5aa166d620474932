import type { Logger } from 'pino';
import { RetryAborted, whileDatabaseDown, type TRetryPolicy } from './db-retry';

export interface TEpochRecorder<E extends { epoch: number }> {
  /** Queues an epoch's write (written in order, after the ones before it). */
  add: (e: E) => void;
  /** The attempt has ended: writes still waiting for the database are dropped. Resolves when the queue is idle. */
  end: () => Promise<void>;
}

/**
 * Records an attempt's epochs in order as they end, each retried with backoff while the database is unavailable and
 * dropped once the attempt ends (its result then stores the whole history). A write that fails for another reason is
 * logged and skipped. Never rejects: nothing here can become an unhandled rejection or fail the attempt.
 */
export function epochRecorder<E extends { epoch: number }>(write: (e: E) => Promise<void>, o: { log: Logger; retry?: TRetryPolicy }): TEpochRecorder<E> {
  const ended = new AbortController();
  let queue: Promise<void> = Promise.resolve();
  return {
    add: (e) => {
      queue = queue
        .then(() => (ended.signal.aborted ? undefined : whileDatabaseDown(`recording epoch ${e.epoch}`, () => write(e), { signal: ended.signal, ...o })))
        .catch((err: unknown) => {
          if (err instanceof RetryAborted) o.log.info({ epoch: e.epoch }, 'epoch not recorded before the attempt ended (the result keeps it)');
          else o.log.warn({ err, epoch: e.epoch }, 'could not record an epoch (the result keeps it)');
        });
    },
    end: () => {
      ended.abort();
      return queue;
    },
  };
}
