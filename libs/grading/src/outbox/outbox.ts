import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import type { EpochPrismaClient, Prisma, TDb } from '@epoch/db';

/**
 * The outbox: messages to deliver outside the database (an e-mail, a grade passback), written as rows in the SAME
 * transaction as the state change that causes them, then delivered by the dispatcher (outbox/dispatcher.ts), which
 * marks each one sent. A crash between the state change and the delivery loses nothing (the row waits, PENDING); the
 * unique `key` makes writing the same event twice one message.
 *
 * Guarantee: at-least-once delivery, exactly once in every case but one. A delivery try claims its row (SENDING) before
 * it sends and marks it SENT right after; only a dispatcher that dies after the send and before that mark leaves a
 * SENDING row behind, delivered again once its claim is older than the lease. Handlers therefore send with a stable id
 * derived from the key (e-mail: the Message-ID), so the receiving side can recognise the repeat.
 */

/** One message to write (kind: its handler; key: the idempotency key; availableAt: not delivered before). */
export interface TOutboxMessageInput {
  kind: string;
  key: string;
  payload: Prisma.InputJsonValue;
  availableAt?: Date;
}

/**
 * Writes messages inside the caller's transaction (pass the `tx`). A key already written is skipped, not an error.
 * Returns how many rows are new.
 */
export async function enqueueOutbox(tx: TDb, ...messages: TOutboxMessageInput[]): Promise<number> {
  if (messages.length === 0) return 0;
  const r = await tx.outboxMessage.createMany({
    data: messages.map((m) => ({ kind: m.kind, key: m.key, payload: m.payload, ...(m.availableAt ? { availableAt: m.availableAt } : {}) })),
    skipDuplicates: true,
  });
  return r.count;
}

/** What a delivery handler is told about the message it delivers. */
export interface TOutboxContext {
  id: string;
  key: string;
  /** 1 for the first try. */
  attempt: number;
}

/** How a handler ended a message: delivered, or deliberately not (e.g. the user opted out meanwhile, no SMTP server). */
export type TDelivery = { sent: true } | { skipped: string };

/**
 * Delivers one kind of message. `payload` validates the stored payload (a row that does not match fails at once, with
 * the reason, and is never retried); `deliver` throws to be retried with backoff.
 */
export interface TOutboxHandler<P = unknown> {
  payload: z.ZodType<P>;
  deliver: (payload: P, ctx: TOutboxContext) => Promise<TDelivery>;
}

/** The handler registry: kind -> handler. Assembled where the dispatcher runs (the API process). */
export type TOutboxHandlers = Record<string, TOutboxHandler<never>>;

/** A handler, typed by its payload schema, for a registry. */
export function outboxHandler<P>(h: TOutboxHandler<P>): TOutboxHandler<never> {
  return h as unknown as TOutboxHandler<never>;
}

export interface TDeliverOptions {
  /** The queue's last try: a failure ends the message FAILED instead of PENDING. */
  final: boolean;
  /** A SENDING row claimed longer ago than this was left by a dead dispatcher and is claimed again (ms). */
  leaseMs: number;
  /** Test hooks: called between the steps (a throw there is a crash at that point). */
  afterClaim?: () => Promise<void> | void;
  afterSend?: () => Promise<void> | void;
}

/** Why a delivery try found nothing to do. */
export type TDeliverOutcome = 'sent' | 'skipped' | 'gone' | 'done-already' | 'not-due';

/** A delivery try while another one holds the message (within its lease): retried later by the queue. */
export class OutboxBusyError extends Error {}

const clip = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}…` : s);

/**
 * One delivery try of message `id`: claim it (PENDING, or SENDING with an expired claim), run its handler, mark it SENT
 * (or SKIPPED). A handler that throws puts it back to PENDING (FAILED on the final try) with the error, and rethrows for
 * the queue's retry; an unknown kind or an invalid payload is FAILED at once (UnrecoverableError).
 */
export async function deliverOutboxMessage(prisma: EpochPrismaClient, id: string, handlers: TOutboxHandlers, opts: TDeliverOptions): Promise<TDeliverOutcome> {
  const now = new Date();
  const claimed = await prisma.outboxMessage.updateManyAndReturn({
    where: {
      id,
      availableAt: { lte: now },
      OR: [{ status: 'PENDING' }, { status: 'SENDING', claimedAt: { lt: new Date(now.getTime() - opts.leaseMs) } }],
    },
    data: { status: 'SENDING', claimedAt: now, attempts: { increment: 1 } },
  });
  const row = claimed[0];
  if (!row) {
    const current = await prisma.outboxMessage.findUnique({ where: { id }, select: { status: true, availableAt: true } });
    if (!current) return 'gone';
    if (current.status === 'SENT' || current.status === 'SKIPPED' || current.status === 'FAILED') return 'done-already';
    if (current.status === 'PENDING' && current.availableAt > now) return 'not-due';
    throw new OutboxBusyError(`outbox message ${id} is being delivered by another try`);
  }
  await opts.afterClaim?.();
  const ctx: TOutboxContext = { id: row.id, key: row.key, attempt: row.attempts };
  const fail = async (message: string, final: boolean) => {
    await prisma.outboxMessage.updateMany({
      where: { id, status: 'SENDING', claimedAt: now },
      data: { status: final ? 'FAILED' : 'PENDING', lastError: clip(message), claimedAt: null },
    });
  };
  const handler = handlers[row.kind];
  if (!handler) {
    await fail(`no delivery handler for the kind "${row.kind}"`, true);
    throw new UnrecoverableError(`outbox message ${id}: no delivery handler for the kind "${row.kind}"`);
  }
  const parsed = handler.payload.safeParse(row.payload);
  if (!parsed.success) {
    const why = `invalid ${row.kind} payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
    await fail(why, true);
    throw new UnrecoverableError(`outbox message ${id}: ${why}`);
  }
  let delivery: TDelivery;
  try {
    delivery = await handler.deliver(parsed.data as never, ctx);
  } catch (e) {
    await fail(e instanceof Error ? e.message : String(e), opts.final);
    throw e;
  }
  await opts.afterSend?.();
  const skipped = 'skipped' in delivery ? delivery.skipped : null;
  await prisma.outboxMessage.updateMany({
    where: { id, status: 'SENDING', claimedAt: now },
    data:
      skipped !== null
        ? { status: 'SKIPPED', lastError: clip(skipped), claimedAt: null }
        : { status: 'SENT', sentAt: new Date(), claimedAt: null, lastError: null },
  });
  return skipped !== null ? 'skipped' : 'sent';
}

/** Messages waiting for delivery: PENDING and due, or SENDING with an expired claim (their dispatcher died). */
export async function dueOutboxMessages(prisma: EpochPrismaClient, opts: { leaseMs: number; limit?: number; now?: Date }): Promise<string[]> {
  const now = opts.now ?? new Date();
  const rows = await prisma.outboxMessage.findMany({
    where: {
      OR: [
        { status: 'PENDING', availableAt: { lte: now } },
        { status: 'SENDING', claimedAt: { lt: new Date(now.getTime() - opts.leaseMs) } },
      ],
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: opts.limit ?? 500,
  });
  return rows.map((r) => r.id);
}
