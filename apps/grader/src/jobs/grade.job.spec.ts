import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { GRADE_JOB_NAME, parseGradeJob } from './grade.job';

describe('the grade job', () => {
  it('is named as the API enqueues it', () => {
    expect(GRADE_JOB_NAME).toBe('grade');
  });
  it('accepts { submissionId }', () => {
    expect(parseGradeJob({ submissionId: 'cm123' })).toEqual({ submissionId: 'cm123' });
  });
  it('refuses any other payload without retries, saying what is wrong', () => {
    expect(() => parseGradeJob({})).toThrow(UnrecoverableError);
    expect(() => parseGradeJob({})).toThrow(/invalid grade job payload: submissionId/);
    expect(() => parseGradeJob({ submissionId: 'a', extra: 1 })).toThrow(/extra/);
    expect(() => parseGradeJob('cm123')).toThrow(/\(payload\)/);
  });
});
