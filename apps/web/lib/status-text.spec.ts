import { describe, expect, it } from 'vitest';
import { ZSubmissionStatus } from '@epoch/contracts';
import { isFinal, statusLabel } from './status-text';

describe('statusLabel', () => {
  it('words every status, pass and fail in their own tones', () => {
    for (const s of ZSubmissionStatus.options) expect(statusLabel(s).text.length).toBeGreaterThan(0);
    // Best-of-k: a FAILED result with another seed training may still pass.
    expect(statusLabel('FAILED', 'GRADED', true)).toEqual({ text: 'Not passed yet: another seed is training', tone: 'wait' });
    expect(statusLabel('PASSED', 'GRADED', true)).toEqual(statusLabel('PASSED'));
    expect(statusLabel('PASSED')).toEqual({ text: 'Passed', tone: 'pass' });
    expect(statusLabel('FAILED').tone).toBe('fail');
  });
  it('treats only received, queued and running as unfinished', () => {
    expect(ZSubmissionStatus.options.filter((s) => !isFinal(s))).toEqual(['RECEIVED', 'QUEUED', 'RUNNING']);
  });
});
