import type { GradingPolicy } from '@epoch/db';

/**
 * Under an AFTER_DEADLINE policy a student sees neither test accuracy nor pass/fail of their own submissions before
 * the deadline; course staff always do. Without a deadline there is nothing to wait for.
 */
export function resultHidden(policy: Pick<GradingPolicy, 'resultVisibility' | 'deadline'> | null, viewer: 'OWNER' | 'STAFF', now = new Date()): boolean {
  if (viewer === 'STAFF' || !policy || policy.resultVisibility !== 'AFTER_DEADLINE' || !policy.deadline) return false;
  return now.getTime() < policy.deadline.getTime();
}
