import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * The push half of a cancellation: after the status is CANCELLED in the database, the API publishes the submission's
 * id on this Redis channel, and the grader training it ends its child at once (within the batch under way) instead of
 * at its next look at the database (the poll stays, for a message lost while Redis was away).
 */
const channelOf = (prefix: string) => `${prefix}:epoch:cancelled`;

/** A cancellation as published: the submission and when its CANCELLED status was written (ms since the epoch). */
export const ZCancelSignal = z.object({ submissionId: z.string().min(1), at: z.number() });
export type TCancelSignal = z.infer<typeof ZCancelSignal>;

export async function publishCancellation(redis: Redis, prefix: string, signal: TCancelSignal): Promise<void> {
  await redis.publish(channelOf(prefix), JSON.stringify(signal));
}

/**
 * Calls `onCancel` for every cancellation published from now on, on a connection of its own (a subscribed Redis
 * connection can do nothing else). Malformed messages are ignored. Returns the function that stops listening.
 */
export async function listenForCancellations(
  redis: Redis,
  prefix: string,
  onCancel: (signal: TCancelSignal) => void,
  log?: { warn: (obj: object, msg?: string) => void },
): Promise<() => Promise<void>> {
  const sub = redis.duplicate();
  sub.on('error', () => undefined); // the main connection reports Redis outages; this one reconnects and resubscribes by itself
  sub.on('message', (channel: string, message: string) => {
    if (channel !== channelOf(prefix)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = null;
    }
    const r = ZCancelSignal.safeParse(parsed);
    if (r.success) onCancel(r.data);
    else log?.warn({ message: message.slice(0, 200) }, 'ignored a malformed cancellation message');
  });
  await sub.subscribe(channelOf(prefix));
  return async () => {
    await sub.quit().catch(() => sub.disconnect());
  };
}
