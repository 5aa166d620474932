import { describe, expect, it } from 'vitest';
import type { TResultNotice } from '@epoch/contracts';
import { noticeKey, noticeText, parseSeen, parseSince, unseen } from './result-notices';

const notice = (id: string, status: TResultNotice['status'], testAccuracy: number | null = null): TResultNotice => ({
  submissionId: id,
  courseSlug: 'c',
  exerciseSlug: 'e',
  exerciseTitle: 'Model 3',
  status,
  testAccuracy,
  finishedAt: '2026-12-06T05:00:00.000Z',
});

describe('result notices', () => {
  it('says what happened, with the accuracy when shown', () => {
    expect(noticeText(notice('a', 'PASSED', 0.712))).toEqual({ title: 'Result ready: Model 3', body: 'Your submission passed. Test accuracy 71.2%.' });
    expect(noticeText(notice('a', 'GRADED')).body).toBe('Your submission has been graded.');
    expect(noticeText(notice('a', 'ERROR')).body).toBe('Your submission could not be graded (not your fault).');
  });

  it('announces each submission and status once, oldest first, across calls (and tabs sharing the list)', () => {
    const first = unseen([notice('b', 'FAILED'), notice('a', 'PASSED')], []);
    expect(first.fresh.map(noticeKey)).toEqual(['a:PASSED', 'b:FAILED']);
    const again = unseen([notice('b', 'FAILED'), notice('a', 'PASSED'), notice('b', 'PASSED')], first.seen);
    expect(again.fresh.map(noticeKey)).toEqual(['b:PASSED']);
  });

  it('reads stored values defensively', () => {
    expect(parseSeen('not json')).toEqual([]);
    expect(parseSeen('[1,"a:PASSED"]')).toEqual(['a:PASSED']);
    expect(parseSince('garbage')).toBeNull();
    expect(parseSince('2026-12-06T05:00:00.000Z')).toBe('2026-12-06T05:00:00.000Z');
  });
});
