import { describe, expect, it } from 'vitest';
import { ZCreateCourseRequest, ZGradingJobPayload, ZIdempotencyKey, ZPageQuery, ZSignInRequest, ZSubmissionListQuery } from './index';

describe('API DTOs', () => {
  it('coerces and bounds pagination queries', () => {
    expect(ZPageQuery.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(ZPageQuery.parse({ page: '3', pageSize: '50' })).toEqual({ page: 3, pageSize: 50 });
    expect(ZPageQuery.safeParse({ pageSize: '101' }).success).toBe(false);
    expect(ZSubmissionListQuery.parse({ exercise: 'cifar10-dense' })).toMatchObject({ exercise: 'cifar10-dense', page: 1 });
  });
  it('accepts idempotency keys of safe characters only', () => {
    expect(ZIdempotencyKey.safeParse('3f2a9c1e-4b7d-4e0f-9a6b-2c8d1e5f7a90').success).toBe(true);
    for (const bad of ['short', 'has space in it', 'x'.repeat(201)]) expect(ZIdempotencyKey.safeParse(bad).success).toBe(false);
  });
  it('keeps the grading job payload to the submission id', () => {
    expect(ZGradingJobPayload.parse({ submissionId: 'cm1' })).toEqual({ submissionId: 'cm1' });
    expect(ZGradingJobPayload.safeParse({ submissionId: 'cm1', source: 'x' }).success).toBe(false);
  });
  it('refuses unknown fields and bad slugs in requests', () => {
    expect(ZSignInRequest.safeParse({ email: 'a@b.test', password: 'x', remember: true }).success).toBe(false);
    expect(ZCreateCourseRequest.parse({ slug: 'deep-learning', title: 'DL' })).toEqual({ slug: 'deep-learning', title: 'DL', description: '' });
    expect(ZCreateCourseRequest.safeParse({ slug: 'Deep Learning', title: 'DL' }).success).toBe(false);
  });
});
